package dev.baton.internal.validation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.baton.ValidatedToken;
import dev.baton.internal.Nanos;
import dev.baton.internal.TokenHash;
import java.time.Clock;
import java.time.Instant;

/**
 * Tokens verified moments ago, so validating one again costs a hash and a lookup instead of a
 * signature check or an introspection request. Keyed by the token's {@link TokenHash}, never the
 * token; bounded; an entry leaves at the instant it stops being valid, measured on the validator's
 * clock. Required scopes are not part of an entry: they are checked on every hit. Not API.
 */
final class VerifiedTokenCache {
    /** A cached verified token and the instant it stops being served. */
    private record Entry(ValidatedToken token, Instant notAfter) {
    }

    private final Cache<TokenHash, Entry> cache;

    /**
     * @param size the most tokens kept (at least 1)
     * @param clock the clock that decides when an entry expires
     */
    VerifiedTokenCache(int size, Clock clock) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfter(new Expiry<TokenHash, Entry>() {
                    @Override
                    public long expireAfterCreate(TokenHash key, Entry value, long currentTime) {
                        return remaining(clock, value);
                    }

                    @Override
                    public long expireAfterUpdate(TokenHash key, Entry value, long currentTime, long currentDuration) {
                        return remaining(clock, value);
                    }

                    @Override
                    public long expireAfterRead(TokenHash key, Entry value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    private static long remaining(Clock clock, Entry e) {
        // Saturating and capped: a far-future exp (year 2500) must not overflow into a rejection.
        return Nanos.untilCapped(clock.instant(), e.notAfter());
    }

    /**
     * The token verified earlier, or {@code null}. An entry past its end, or (against a hash
     * collision) for another token string, is dropped and not served.
     */
    ValidatedToken find(TokenHash hash, String token, Instant now) {
        Entry e = cache.getIfPresent(hash);
        if (e == null) {
            return null;
        }
        if (now.isBefore(e.notAfter()) && e.token().value().equals(token)) {
            return e.token();
        }
        cache.invalidate(hash);
        return null;
    }

    /** Keeps {@code token} until {@code notAfter}; nothing is kept without an end or past it. */
    void put(TokenHash hash, ValidatedToken token, Instant notAfter, Instant now) {
        if (notAfter != null && now.isBefore(notAfter)) {
            cache.put(hash, new Entry(token, notAfter));
        }
    }
}
