package dev.baton;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.Collections;

/**
 * An incoming bearer token was not accepted.
 *
 * <p>The {@linkplain #getMessage() message} and {@link #description()} are safe to show to the
 * client in an {@code error_description} (RFC 6750 §3): they never contain the token, a key or a
 * stack trace. {@link #isServiceUnavailable()} tells a failure of the authorization server (JWKS or
 * introspection unreachable) apart from a bad token, so a filter may answer 503 instead of 401.
 */
public final class TokenValidationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final BearerError error;
    private final String description;
    private final Set<String> requiredScopes;
    private final boolean serviceUnavailable;
    private final String dpopNonce;

    /**
     * @param error the RFC 6750 error code
     * @param description a short, client-safe description; never the token
     */
    public TokenValidationException(BearerError error, String description) {
        this(error, description, Set.of(), false, null);
    }

    /**
     * @param error the RFC 6750 error code
     * @param description a short, client-safe description; never the token
     * @param requiredScopes the scopes the resource requires (for the {@code scope} challenge attribute)
     * @param serviceUnavailable {@code true} when the token could not be checked because the
     *     authorization server (JWKS, introspection) failed, not because the token is bad
     * @param cause the underlying failure, kept for logs; its message must not contain the token
     */
    public TokenValidationException(BearerError error, String description, Collection<String> requiredScopes,
            boolean serviceUnavailable, Throwable cause) {
        this(error, description, requiredScopes, serviceUnavailable, cause, null);
    }

    /**
     * As {@link #TokenValidationException(BearerError, String, Collection, boolean, Throwable)}, with
     * the nonce the client must put in its next DPoP proof (RFC 9449 §9).
     *
     * @param dpopNonce the nonce for the {@code DPoP-Nonce} response header, or {@code null} for none;
     *     required with {@link BearerError#USE_DPOP_NONCE}
     * @throws IllegalArgumentException for {@link BearerError#USE_DPOP_NONCE} without a nonce
     */
    public TokenValidationException(BearerError error, String description, Collection<String> requiredScopes,
            boolean serviceUnavailable, Throwable cause, String dpopNonce) {
        super(Objects.requireNonNull(description, "description"), cause, false, true);
        this.error = Objects.requireNonNull(error, "error");
        if (error == BearerError.USE_DPOP_NONCE && dpopNonce == null) {
            throw new IllegalArgumentException("use_dpop_nonce needs the nonce to send (RFC 9449 §9)");
        }
        this.description = description;
        this.requiredScopes = Collections.unmodifiableSet(new TreeSet<>(requiredScopes));
        this.serviceUnavailable = serviceUnavailable;
        this.dpopNonce = dpopNonce;
    }

    /** The RFC 6750 error code. */
    public BearerError error() {
        return error;
    }

    /** A short description that is safe to send to the client. */
    public String description() {
        return description;
    }

    /** The scopes the resource requires, sorted; empty when none are configured. */
    public Set<String> requiredScopes() {
        return requiredScopes;
    }

    /**
     * Whether the token could not be checked because the authorization server (discovery, JWKS or
     * introspection endpoint) failed, including a token whose signing key is not among the cached
     * ones while the JWKS endpoint fails (the key may be new). The token is still rejected: Baton
     * fails closed, and a filter answers 503 rather than 401 {@code invalid_token} (RFC 6750 §3.1).
     */
    public boolean isServiceUnavailable() {
        return serviceUnavailable;
    }

    /**
     * The nonce the resource server issued for the client's next DPoP proof, to send in a
     * {@code DPoP-Nonce} response header (RFC 9449 §9): present with {@link BearerError#USE_DPOP_NONCE}
     * and whenever a validator that requires nonces refuses a DPoP proof. A nonce is not a secret.
     */
    public Optional<String> dpopNonce() {
        return Optional.ofNullable(dpopNonce);
    }
}
