package dev.baton.internal.validation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.internal.TokenHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The DPoP proofs accepted recently, so that each is accepted once (RFC 9449 §4.3 check 11, §11.1):
 * keyed by the SHA-256 of the proof key's thumbprint and the proof's {@code jti} (never the proof or
 * the {@code jti} itself), each kept for as long as its proof could still pass the {@code iat}
 * window. Bounded: beyond {@code maximumSize} proofs within one window the oldest are forgotten, so
 * the size must exceed the DPoP requests one validator accepts in that window. Timed on the
 * validator's clock. Thread-safe. Not API.
 */
final class DPoPReplayCache {
    private final Cache<TokenHash, Boolean> seen;

    /**
     * @param maximumSize how many proofs are remembered at most
     * @param lifetime how long each is remembered: the proof age accepted plus the clock skew
     * @param clock the validator's clock
     */
    DPoPReplayCache(int maximumSize, Duration lifetime, Clock clock) {
        this.seen = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(lifetime)
                .ticker(() -> {
                    Instant now = clock.instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                })
                .executor(Runnable::run)
                .build();
    }

    /**
     * Records the proof of key {@code jkt} with {@code jti}; {@code false} when it was recorded
     * before, atomically, so of two concurrent requests with one proof exactly one passes.
     */
    boolean firstUse(String jkt, String jti) {
        // A thumbprint is base64url, so the separator cannot occur in it: distinct pairs, distinct keys.
        TokenHash key = TokenHash.of(jkt + ' ' + jti);
        return seen.asMap().putIfAbsent(key, Boolean.TRUE) == null;
    }
}
