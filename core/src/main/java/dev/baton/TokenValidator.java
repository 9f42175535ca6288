package dev.baton;

import java.util.Set;

/**
 * Decides whether an incoming bearer token is acceptable to this resource server.
 *
 * <p>Implementations are thread-safe and meant to be built once and shared. A call either returns
 * the {@link ValidatedToken} or throws {@link TokenValidationException} carrying the RFC 6750 error
 * to answer with; it never returns {@code null} and never lets an unchecked exception escape for
 * any token content. Every call produces exactly one audit event.
 */
public interface TokenValidator {

    /**
     * Validates a raw bearer token (without the {@code Bearer } prefix).
     *
     * @param token the token as received; may be {@code null} or empty, which is rejected
     * @return the accepted token and its claims
     * @throws TokenValidationException if the token is not acceptable; {@link BearerError#INVALID_TOKEN}
     *     for a bad or expired token, {@link BearerError#INSUFFICIENT_SCOPE} for missing scopes
     */
    default ValidatedToken validate(String token) throws TokenValidationException {
        return validate(token, AuditContext.none());
    }

    /**
     * Validates a raw bearer token, adding {@code context} (request method and path) to the audit event.
     *
     * @see #validate(String)
     */
    ValidatedToken validate(String token, AuditContext context) throws TokenValidationException;

    /** The scopes every accepted token must carry; empty when none are required. */
    default Set<String> requiredScopes() {
        return Set.of();
    }
}
