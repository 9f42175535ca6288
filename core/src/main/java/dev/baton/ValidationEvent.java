package dev.baton;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The audit record of one incoming-token validation. Never holds the token.
 *
 * @param time when the validation finished
 * @param accepted whether the token was accepted
 * @param error the RFC 6750 error when rejected, {@code null} when accepted
 * @param reason a short client-safe reason when rejected, {@code null} when accepted
 * @param subject the token's {@code sub} when it could be read (verified or not), else {@code null}
 * @param clientId the token's client id when it could be read, else {@code null}
 * @param issuer the token's {@code iss} when it could be read, else {@code null}
 * @param audiences the token's audiences when they could be read, else empty
 * @param scopes the token's scopes when they could be read, else empty
 * @param tokenFingerprint {@link ValidatedToken#fingerprintOf(String)} of the token, or {@code null} without a token
 * @param fromCache whether the result came from the verified-token cache
 * @param latency how long the validation took
 * @param context the request method and path, when an adapter supplied them
 */
public record ValidationEvent(
        Instant time,
        boolean accepted,
        BearerError error,
        String reason,
        String subject,
        String clientId,
        String issuer,
        List<String> audiences,
        Set<String> scopes,
        String tokenFingerprint,
        boolean fromCache,
        Duration latency,
        AuditContext context) {

    /**
     * Copies the collections (a {@code null} collection becomes empty), so the event is immutable.
     * Performs no other check: the event only reports what happened.
     */
    public ValidationEvent {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        context = context == null ? AuditContext.none() : context;
    }
}
