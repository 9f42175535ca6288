package dev.baton.internal.exchange;

import dev.baton.ExchangedToken;
import java.time.Duration;
import java.time.Instant;

/**
 * How long an exchanged token may be served from a cache, in-process or shared: until the earlier
 * of its own expiry and the subject token's, minus the skew (docs/security.md case 30). One rule for
 * both caches. Not API.
 */
final class EntryLifetime {
    private EntryLifetime() {
    }

    /**
     * @param token the exchanged token
     * @param subjectExpiry the subject token's expiry, or {@code null} when unknown
     * @param skew the cache skew
     */
    static Instant staleAt(ExchangedToken token, Instant subjectExpiry, Duration skew) {
        return end(token, subjectExpiry).minus(skew);
    }

    /** Whether the subject token's expiry, not the exchanged token's, ends the entry. */
    static boolean boundBySubject(ExchangedToken token, Instant subjectExpiry) {
        return subjectExpiry != null && subjectExpiry.isBefore(token.expiresAt());
    }

    private static Instant end(ExchangedToken token, Instant subjectExpiry) {
        return boundBySubject(token, subjectExpiry) ? subjectExpiry : token.expiresAt();
    }
}
