package dev.baton.internal.validation;

import com.nimbusds.jose.jwk.JWK;

/** Lets tests outside this package see how the JWKS cache converts one key. */
public final class JwksCacheAccess {
    private JwksCacheAccess() {
    }

    /** The verifier key {@link JwksCache} would keep for {@code jwk}, or {@code null} when it drops it. */
    public static Object convert(JWK jwk) {
        return JwksCache.toKey(jwk);
    }
}
