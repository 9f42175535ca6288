package dev.baton.micrometer;

import dev.baton.EndpointObserver;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Micrometer Observations of each HTTP call Baton makes to an authorization server: one
 * {@value #NAME} observation per call (discovery, JWKS fetch, introspection, token endpoint
 * request; each retry its own), hence a client span with Micrometer Tracing and a timer with the
 * registry's default meter handler. Register it as the validator's and the exchanger's
 * {@link EndpointObserver}:
 *
 * <pre>{@code
 * BatonObservations observations = new BatonObservations(observationRegistry);
 * TokenValidator validator = TokenValidator.builder()
 *     .issuer("https://idp.example.com/oauth2/mcp")
 *     .audience("mcpserver")
 *     .endpointObserver(observations)
 *     .build();
 * }</pre>
 *
 * <p>Low-cardinality key values (on spans and meters): {@value #ENDPOINT} ({@code discovery},
 * {@code jwks}, {@code introspection}, {@code token}), {@value #OUTCOME} ({@code responded} or
 * {@code failed}), {@value #STATUS_CLASS} ({@code 2xx} ... {@code 5xx}, {@code none} when no
 * response arrived) and {@value #FAILURE} (the {@linkplain EndpointObserver.Call#failed(String)
 * reason}, {@code none} after a response). High-cardinality (spans only): {@value #SERVER_ADDRESS},
 * the endpoint's host. Nothing else of the URL (path, query), no token, secret, header or body is
 * ever recorded. A failed call also carries an error, so its span is marked failed.
 *
 * <p>The observation starts on the thread that sends the request, so when that thread has a
 * current observation (an incoming request's), the call is its child. Thread-safe.
 */
public final class BatonObservations implements EndpointObserver {
    /** The observation's name. */
    public static final String NAME = "baton.authorization.server.call";
    /** Key of the endpoint kind. */
    public static final String ENDPOINT = "endpoint";
    /** Key of the outcome: {@code responded} or {@code failed}. */
    public static final String OUTCOME = "outcome";
    /** Key of the HTTP status class. */
    public static final String STATUS_CLASS = "status.class";
    /** Key of the failure reason. */
    public static final String FAILURE = "failure";
    /** Key of the endpoint's host (high cardinality). */
    public static final String SERVER_ADDRESS = "server.address";

    private final ObservationRegistry registry;

    /**
     * Observations in {@code registry}.
     *
     * @throws NullPointerException if {@code registry} is null
     */
    public BatonObservations(ObservationRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Starts the call's observation; the returned call stops it. */
    @Override
    public Call start(Endpoint endpoint, URI uri) {
        String kind = endpoint.name().toLowerCase(Locale.ROOT);
        Observation observation = Observation.createNotStarted(NAME, registry)
                .contextualName("baton " + kind)
                .lowCardinalityKeyValue(ENDPOINT, kind)
                .highCardinalityKeyValue(SERVER_ADDRESS, uri.getHost() == null ? "unknown" : uri.getHost())
                .start();
        return new Call() {
            @Override
            public void responded(int status) {
                observation.lowCardinalityKeyValue(KeyValue.of(OUTCOME, "responded"))
                        .lowCardinalityKeyValue(KeyValue.of(STATUS_CLASS, statusClass(status)))
                        .lowCardinalityKeyValue(KeyValue.of(FAILURE, "none"));
                observation.stop();
            }

            @Override
            public void failed(String reason) {
                observation.lowCardinalityKeyValue(KeyValue.of(OUTCOME, "failed"))
                        .lowCardinalityKeyValue(KeyValue.of(STATUS_CLASS, "none"))
                        .lowCardinalityKeyValue(KeyValue.of(FAILURE, reason));
                observation.error(new AuthorizationServerCallFailure(reason));
                observation.stop();
            }
        };
    }

    private static String statusClass(int status) {
        return status >= 100 && status < 600 ? (status / 100) + "xx" : "other";
    }

    /**
     * The error a failed call's observation carries, so tracing marks its span failed. Its message
     * is the observer's fixed reason; it has no stack trace (it was not thrown).
     */
    static final class AuthorizationServerCallFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AuthorizationServerCallFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
