package dev.baton.internal.validation;

import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import java.util.Set;

/**
 * The three ways a validation fails, each carrying the required scopes for the challenge's
 * {@code scope} attribute (RFC 6750 §3). Descriptions are client-safe: never the token, a key or
 * remote text. Not API.
 */
final class Rejections {
    private final Set<String> requiredScopes;

    Rejections(Set<String> requiredScopes) {
        this.requiredScopes = requiredScopes;
    }

    /** A bad token: RFC 6750 §3.1 {@code invalid_token}. */
    TokenValidationException invalid(String description) {
        return new TokenValidationException(BearerError.INVALID_TOKEN, description, requiredScopes, false, null);
    }

    /**
     * The token could not be checked because the authorization server (discovery, JWKS,
     * introspection) failed: still {@code invalid_token}, since Baton fails closed, but marked so a
     * filter may answer 503.
     */
    TokenValidationException unavailable(Throwable cause) {
        return new TokenValidationException(BearerError.INVALID_TOKEN, "the authorization server is unavailable",
                requiredScopes, true, cause);
    }

    /** A bad DPoP proof with a good token: RFC 9449 §7.1 {@code invalid_dpop_proof}. */
    TokenValidationException invalidProof(String description) {
        return new TokenValidationException(BearerError.INVALID_DPOP_PROOF, description, requiredScopes, false, null);
    }

    /** A DPoP proof without a current nonce: RFC 9449 §9 {@code use_dpop_nonce}, with the nonce to use. */
    TokenValidationException useNonce(String description, String nonce) {
        return new TokenValidationException(BearerError.USE_DPOP_NONCE, description, requiredScopes, false, null,
                nonce);
    }

    /** A good token without a required scope: RFC 6750 §3.1 {@code insufficient_scope}. */
    TokenValidationException insufficientScope() {
        return new TokenValidationException(BearerError.INSUFFICIENT_SCOPE, "token lacks a required scope",
                requiredScopes, false, null);
    }
}
