package dev.baton.internal.validation;

import dev.baton.ValidatedToken;
import dev.baton.internal.TokenHash;

/**
 * What one validation learned before it ended, for its audit event: the token's hash (whose
 * fingerprint the event shows), whether the verified-token cache answered, and the claims once
 * they could be read (a rejected token's event still names its subject). One per call, on the
 * calling thread. Not API.
 */
final class Attempt {
    TokenHash hash;
    boolean fromCache;
    ValidatedToken claims;

    /**
     * {@link TokenHash#fingerprint()} of the token, or {@code null} when it was never hashed. A token
     * served from the verified-token cache gives the fingerprint its cached hash already computed
     * (the same token, so the same fingerprint), instead of encoding this call's hash again.
     */
    String fingerprint() {
        if (fromCache && claims != null) {
            return claims.fingerprint();
        }
        return hash == null ? null : hash.fingerprint();
    }
}
