package dev.baton;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The audit record of one token exchange (RFC 8693). Never holds a token. A background refresh
 * ({@link TokenExchanger.Builder#refreshAhead(double)}) is recorded as an event of its own with
 * {@code fromCache} false; no caller waited for it.
 *
 * @param time when the exchange finished
 * @param outcome what happened
 * @param subject the subject token's {@code sub} when known (from a {@link ValidatedToken}), else {@code null}
 * @param clientId the exchanging client's id
 * @param subjectTokenFingerprint the fingerprint of the subject token
 * @param audiences the requested audiences
 * @param resources the requested resources (RFC 8707)
 * @param requestedScopes the requested scopes
 * @param grantedScopes the scopes the authorization server granted, empty on failure
 * @param error the OAuth {@code error} code on failure, else {@code null}
 * @param httpStatus the token endpoint's HTTP status, 0 when no response was received or served from cache
 * @param fromCache whether the token was served from the cache
 * @param latency how long the caller waited; for a background refresh, how long the refresh took
 */
public record ExchangeEvent(
        Instant time,
        Outcome outcome,
        String subject,
        String clientId,
        String subjectTokenFingerprint,
        List<String> audiences,
        List<String> resources,
        Set<String> requestedScopes,
        Set<String> grantedScopes,
        String error,
        int httpStatus,
        boolean fromCache,
        Duration latency) {

    /** The result of an exchange. */
    public enum Outcome {
        /** A token was returned to the caller. */
        SUCCESS,
        /** The exchange failed; no token was returned. */
        FAILURE
    }

    /**
     * Copies the collections (a {@code null} collection becomes empty), so the event is immutable.
     * Performs no other check: the event only reports what happened.
     */
    public ExchangeEvent {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        resources = resources == null ? List.of() : List.copyOf(resources);
        requestedScopes = requestedScopes == null ? Set.of() : Set.copyOf(requestedScopes);
        grantedScopes = grantedScopes == null ? Set.of() : Set.copyOf(grantedScopes);
    }
}
