package dev.baton.internal.validation;

import dev.baton.ValidatedToken;
import dev.baton.internal.TokenHash;

/**
 * What one validation learned before it ended, for its audit event: the token's hash (whose
 * fingerprint the event shows), whether the verified-token cache answered, and the claims once
 * they could be read (a rejected token's event still names its subject). One per call, on the
 * calling thread. Not API.
 *
 * <p>The token is hashed once, and only when something needs the hash: the verified-token cache,
 * introspection, a DPoP proof's {@code ath}, or the audit event's fingerprint. A fresh validation
 * with no cache and no audit listener hashes nothing; the validated token then hashes itself on
 * first use (the exchange cache keys by that hash).
 */
final class Attempt {
    private String token;
    private TokenHash hash;
    boolean fromCache;
    ValidatedToken claims;

    /** Records {@code token}, which passed the length cap, as the one to hash when asked. */
    void hashable(String token) {
        this.token = token;
    }

    /** The hash of the {@linkplain #hashable hashable} token, computed at most once; {@code null} without one. */
    TokenHash hash() {
        if (hash == null && token != null) {
            hash = TokenHash.of(token);
        }
        return hash;
    }

    /** The hash if it was already computed, else {@code null}: for a result that may compute its own later. */
    TokenHash hashIfComputed() {
        return hash;
    }

    /**
     * {@link TokenHash#fingerprint()} of the token, or {@code null} when it was never hashable. Once
     * the claims were read it is the validated token's fingerprint (the same string, so the same
     * fingerprint): a token served from the verified-token cache gives the one its cached hash
     * already computed, and a fresh one computes its hash once for both.
     */
    String fingerprint() {
        if (claims != null) {
            return claims.fingerprint();
        }
        TokenHash h = hash();
        return h == null ? null : h.fingerprint();
    }
}
