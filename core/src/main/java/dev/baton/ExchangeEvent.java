package dev.baton;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The audit record of one token exchange call (RFC 8693). Never holds a token.
 *
 * <p>{@link #source()} says where this call's answer came from, so the events add up to the token
 * endpoint's own count: exactly one event per token endpoint exchange has source
 * {@link Source#TOKEN_ENDPOINT} (and its HTTP status); the calls that shared it say
 * {@link Source#JOINED}. A background refresh ({@link TokenExchanger.Builder#refreshAhead(double)})
 * is a token endpoint exchange of its own that no caller waited for; it has its own event.
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
 * @param httpStatus the token endpoint's HTTP status when the source is {@link Source#TOKEN_ENDPOINT}
 *     and a response was received; otherwise 0
 * @param source where the answer came from
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
        Source source,
        Duration latency) {

    /** The result of an exchange. */
    public enum Outcome {
        /** A token was returned to the caller. */
        SUCCESS,
        /** The exchange failed; no token was returned. */
        FAILURE
    }

    /** Where the answer to one exchange call came from. */
    public enum Source {
        /** This call made its own exchange at the token endpoint (succeeded or failed). */
        TOKEN_ENDPOINT,
        /** A token was served from the cache (or an {@code invalid_grant} from the negative cache). */
        CACHE,
        /** This call shared the result, token or failure, of another call's exchange already in flight. */
        JOINED,
        /**
         * A token from the {@linkplain TokenExchanger.Builder#sharedCache shared cache} of a fleet:
         * stored there by another replica (or by this one before its own cache lost it), or the
         * result of the exchange another replica made while this call waited for it.
         */
        SHARED_CACHE
    }

    /**
     * Copies the collections (a {@code null} collection becomes empty), so the event is immutable.
     * Performs no other check than that {@code source} is given: the event only reports what happened.
     *
     * @throws NullPointerException if {@code source} is null
     */
    public ExchangeEvent {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        resources = resources == null ? List.of() : List.copyOf(resources);
        requestedScopes = requestedScopes == null ? Set.of() : Set.copyOf(requestedScopes);
        grantedScopes = grantedScopes == null ? Set.of() : Set.copyOf(grantedScopes);
        Objects.requireNonNull(source, "source");
    }

    /**
     * The event as it was built before {@link #source()} existed: {@code fromCache} true means
     * {@link Source#CACHE}, false {@link Source#TOKEN_ENDPOINT}.
     */
    public ExchangeEvent(Instant time, Outcome outcome, String subject, String clientId,
            String subjectTokenFingerprint, List<String> audiences, List<String> resources,
            Set<String> requestedScopes, Set<String> grantedScopes, String error, int httpStatus, boolean fromCache,
            Duration latency) {
        this(time, outcome, subject, clientId, subjectTokenFingerprint, audiences, resources, requestedScopes,
                grantedScopes, error, httpStatus, fromCache ? Source.CACHE : Source.TOKEN_ENDPOINT, latency);
    }

    /**
     * Whether this call was answered without a token endpoint exchange of its own: served from the
     * cache or shared with a call in flight ({@link #source()} is not {@link Source#TOKEN_ENDPOINT}).
     */
    public boolean fromCache() {
        return source != Source.TOKEN_ENDPOINT;
    }
}
