package dev.baton.spring.boot;

import dev.baton.EndpointObserver;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Actuator health of the authorization-server endpoints Baton calls (contributor {@code baton}):
 * whether each kind of endpoint (discovery, JWKS, introspection, token endpoint) was reachable at
 * the last attempt. An {@link EndpointObserver}, so it sees every call of the validator and the
 * exchanger, retries included, and never calls an endpoint itself.
 *
 * <p>Per endpoint kind: a response with a status below 500 → {@code UP}; no usable response
 * (refused, timed out, body over the cap) or a 5xx → {@code DOWN}; never called →
 * {@code UNKNOWN}. Overall: {@code DOWN} when any endpoint is down, else {@code UP} once one has
 * answered, else {@code UNKNOWN}. The details name the endpoint's URL (without query), the status or
 * the short failure reason, and the time; never a token or secret. Disable it with
 * {@code management.health.baton.enabled=false}.
 */
public final class BatonHealthIndicator implements HealthIndicator, EndpointObserver {
    private final Clock clock;
    private final Map<Endpoint, Attempt> last = new EnumMap<>(Endpoint.class);

    /** An indicator with nothing observed yet. */
    public BatonHealthIndicator() {
        this(Clock.systemUTC());
    }

    BatonHealthIndicator(Clock clock) {
        this.clock = clock;
    }

    /** The last attempt of one endpoint kind. */
    private record Attempt(URI uri, boolean up, String outcome, Instant at) {
    }

    /** Records the outcome of this call as the last attempt of its kind. */
    @Override
    public Call start(Endpoint endpoint, URI uri) {
        return new Call() {
            @Override
            public void responded(int status) {
                record(endpoint, new Attempt(uri, status < 500, "HTTP " + status, clock.instant()));
            }

            @Override
            public void failed(String reason) {
                record(endpoint, new Attempt(uri, false, reason, clock.instant()));
            }
        };
    }

    private void record(Endpoint endpoint, Attempt attempt) {
        synchronized (last) {
            last.put(endpoint, attempt);
        }
    }

    /** The health as the class description defines it. */
    @Override
    public Health health() {
        Map<Endpoint, Attempt> snapshot;
        synchronized (last) {
            snapshot = new EnumMap<>(last);
        }
        if (snapshot.isEmpty()) {
            return Health.unknown().withDetail("endpoints", "none called yet").build();
        }
        boolean down = snapshot.values().stream().anyMatch(a -> !a.up());
        Health.Builder health = down ? Health.down() : Health.up();
        for (Map.Entry<Endpoint, Attempt> e : snapshot.entrySet()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", (e.getValue().up() ? Status.UP : Status.DOWN).getCode());
            detail.put("url", e.getValue().uri().toString());
            detail.put("lastAttempt", e.getValue().outcome());
            detail.put("at", e.getValue().at().toString());
            health.withDetail(e.getKey().name().toLowerCase(java.util.Locale.ROOT), detail);
        }
        return health.build();
    }
}
