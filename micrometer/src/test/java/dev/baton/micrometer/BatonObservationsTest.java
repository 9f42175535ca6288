package dev.baton.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.TokenType;
import dev.baton.TokenValidator;
import dev.baton.testkit.TestAuthorizationServer;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One observation per call to an authorization server, over real HTTP. */
class BatonObservationsTest {
    private static final String SECRET = "observations-client-secret-5d1e";
    private static final String SUBJECT_TOKEN = "observations-subject-token-0b7c4e2a9d";

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final TestAuthorizationServer as = new TestAuthorizationServer(server);
    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> built = new ArrayList<>();

    BatonObservationsTest() {
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
    }

    @AfterEach
    void closeEverythingBuilt() throws Exception {
        for (AutoCloseable c : built) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T t) {
        built.add(t);
        return t;
    }

    private TokenExchanger exchanger(String tokenEndpoint, ObservationRegistry registry) {
        return closing(TokenExchanger.builder().tokenEndpoint(tokenEndpoint)
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .retryBackoff(Duration.ofMillis(1)).maxAttempts(3).auditListener(AuditListener.none())
                .endpointObserver(new BatonObservations(registry)).build());
    }

    private static ExchangeRequest request() {
        return ExchangeRequest.builder().subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN).audience("backend")
                .scopes("backend-api:read").build();
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json").body(body)
                .build();
    }

    private static MockResponse issued() {
        return json(200, "{\"access_token\":\"backend-token\",\"token_type\":\"Bearer\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"expires_in\":300}");
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void eachTokenEndpointAttemptIsOneObservation() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        as.route("/v1/token", r -> attempts.incrementAndGet() == 1 ? json(503, "{}") : issued());

        exchanger(as.tokenEndpoint(), observations).exchange(request());

        TestObservationRegistryAssert.assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo(BatonObservations.NAME, 2)
                .forAllObservationsWithNameEqualTo(BatonObservations.NAME, o -> o
                        .hasContextualNameEqualTo("baton token")
                        .hasLowCardinalityKeyValue("endpoint", "token")
                        .hasLowCardinalityKeyValue("outcome", "responded")
                        .hasLowCardinalityKeyValue("failure", "none")
                        .hasHighCardinalityKeyValue("server.address", URI.create(as.tokenEndpoint()).getHost()))
                .hasAnObservationWithAKeyValue("status.class", "5xx")
                .hasAnObservationWithAKeyValue("status.class", "2xx");
        assertThat(stopped).hasSize(2);
    }

    @Test
    void validationObservesTheDiscoveryAndTheJwksFetch() throws Exception {
        TokenValidator validator = closing(TokenValidator.builder().issuer(as.issuer()).audience("mcpserver")
                .auditListener(AuditListener.none()).endpointObserver(new BatonObservations(observations)).build());

        validator.validate(as.token().subject("alice").audience("mcpserver").sign());

        assertThat(stopped).extracting(c -> c.getLowCardinalityKeyValue("endpoint").getValue())
                .containsExactly("discovery", "jwks");
        assertThat(stopped).allSatisfy(c -> assertThat(c.getLowCardinalityKeyValue("status.class").getValue())
                .isEqualTo("2xx"));
    }

    @Test
    void anUnreachableEndpointIsAFailedObservationWithAnError() throws Exception {
        TokenExchanger exchanger = exchanger("http://127.0.0.1:" + closedPort() + "/token", observations);

        assertThatThrownBy(() -> exchanger.exchange(request())).isInstanceOf(TokenExchangeException.class);

        TestObservationRegistryAssert.assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo(BatonObservations.NAME, 3)
                .forAllObservationsWithNameEqualTo(BatonObservations.NAME, o -> o
                        .hasLowCardinalityKeyValue("outcome", "failed")
                        .hasLowCardinalityKeyValue("status.class", "none")
                        .hasLowCardinalityKeyValue("failure", "connection refused")
                        .hasError());
        assertThat(stopped).hasSize(3);
    }

    @Test
    void observationsBecomeTimersWithOnlyTheLowCardinalityTags() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        as.route("/v1/token", r -> json(400, "{\"error\":\"invalid_grant\"}"));

        assertThatThrownBy(() -> exchanger(as.tokenEndpoint(), registry).exchange(request()))
                .isInstanceOf(TokenExchangeException.class);

        Meter.Id id = meters.get(BatonObservations.NAME).timer().getId();
        assertThat(id.getTags()).extracting(Tag::getKey)
                .containsExactlyInAnyOrder("endpoint", "outcome", "status.class", "failure", "error");
        assertThat(id.getTag("status.class")).isEqualTo("4xx");
        assertThat(meters.get(BatonObservations.NAME).timer().count()).isEqualTo(1);
    }

    @Test
    void aCallOnAThreadWithACurrentObservationIsItsChild() throws Exception {
        TokenValidator validator = closing(TokenValidator.builder().issuer(as.issuer()).audience("mcpserver")
                .jwksUri(as.jwksUri()).auditListener(AuditListener.none())
                .endpointObserver(new BatonObservations(observations)).build());
        String token = as.token().subject("alice").audience("mcpserver").sign();
        Observation incoming = Observation.start("http.server.requests", observations);

        try (Observation.Scope scope = incoming.openScope()) {
            validator.validate(token);
        } finally {
            incoming.stop();
        }

        assertThat(stopped).filteredOn(c -> BatonObservations.NAME.equals(c.getName())).singleElement()
                .satisfies(c -> assertThat(c.getParentObservation()).isSameAs(incoming));
    }

    @Test
    void noKeyValueCarriesAQueryTokenOrSecret() throws Exception {
        TokenValidator validator = closing(TokenValidator.builder().issuer(as.issuer()).audience("mcpserver")
                .jwksUri(as.jwksUri() + "?api_key=" + SECRET).auditListener(AuditListener.none())
                .endpointObserver(new BatonObservations(observations)).build());
        as.route("/v1/token", r -> issued());
        String token = as.token().subject("alice").audience("mcpserver").sign();

        validator.validate(token);
        exchanger(as.tokenEndpoint(), observations).exchange(request());

        assertThat(stopped).hasSize(2);
        List<String> values = new ArrayList<>();
        for (Observation.Context c : stopped) {
            c.getAllKeyValues().forEach(kv -> values.add(kv.getKey() + "=" + kv.getValue()));
            values.add(String.valueOf(c.getContextualName()));
        }
        assertThat(values).noneMatch(v -> v.contains(SECRET) || v.contains(token) || v.contains(SUBJECT_TOKEN)
                || v.contains("alice") || v.contains("api_key") || v.contains("/v1/"));
        assertThat(stopped).extracting(c -> c.getHighCardinalityKeyValues().stream().map(KeyValue::getKey).toList())
                .containsOnly(List.of("server.address"));
    }
}
