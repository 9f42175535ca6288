package dev.baton.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeEvent;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.TokenType;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Meters from real validations and exchanges against the test kit's authorization server. */
class BatonMetricsTest {
    private static final String SECRET = "metrics-client-secret-8c2f";
    private static final String SUBJECT_TOKEN = "metrics-subject-token-3e9a7f1c5b";

    static {
        IssuedSecrets.remember(SECRET);
        IssuedSecrets.remember(SUBJECT_TOKEN);
    }

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final TestAuthorizationServer as = new TestAuthorizationServer(server);
    private final MutableClock clock = MutableClock.startingNow();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BatonMetrics metrics = new BatonMetrics(registry);
    private final List<AutoCloseable> built = new ArrayList<>();

    BatonMetricsTest() {
        as.clock(clock);
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

    private TokenValidator validator() {
        return closing(TokenValidator.builder().issuer(as.issuer()).audience("mcpserver")
                .requiredScopes("mcp:tools:call").clock(clock).auditListener(metrics).build());
    }

    private TokenExchanger.Builder exchanger() {
        return TokenExchanger.builder().tokenEndpoint(as.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("metrics-client", SECRET))
                .retryBackoff(Duration.ofMillis(1)).clock(clock).auditListener(metrics);
    }

    private static ExchangeRequest request(String subjectToken) {
        return ExchangeRequest.builder().subjectToken(subjectToken, TokenType.ACCESS_TOKEN).audience("backend")
                .scopes("backend-api:read").build();
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json").body(body)
                .build();
    }

    private static MockResponse issued(String token) {
        return json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"expires_in\":300}");
    }

    private String goodToken(String subject) {
        return as.token().subject(subject).audience("mcpserver").scope("mcp:tools:call").sign();
    }

    private long timerCount(String name, String... tags) {
        var timer = registry.find(name).tags(tags).timer();
        return timer == null ? 0 : timer.count();
    }

    private static ExchangeEvent event(ExchangeEvent.Source source, String error, List<String> audiences) {
        return new ExchangeEvent(Instant.now(), error == null ? ExchangeEvent.Outcome.SUCCESS
                : ExchangeEvent.Outcome.FAILURE, "alice", "client", "fp", audiences, List.of(), Set.of(), Set.of(),
                error, 0, source, Duration.ofMillis(3));
    }

    // ---- validation -----------------------------------------------------------------------

    @Test
    void validationsAreTimedByOutcomeAndCache() throws Exception {
        TokenValidator v = validator();
        String token = goodToken("alice");

        v.validate(token);
        v.validate(token);

        assertThat(timerCount(BatonMetrics.VALIDATION, "outcome", "accepted", "error", "none", "cached", "false"))
                .isEqualTo(1);
        assertThat(timerCount(BatonMetrics.VALIDATION, "outcome", "accepted", "error", "none", "cached", "true"))
                .isEqualTo(1);
    }

    @Test
    void rejectionsAreTimedByTheirErrorCode() {
        TokenValidator v = validator();

        assertThatThrownBy(() -> v.validate("not-a-token")).isInstanceOf(TokenValidationException.class);
        assertThatThrownBy(() -> v.validate(as.token().subject("bob").audience("mcpserver").sign()))
                .isInstanceOf(TokenValidationException.class);

        assertThat(timerCount(BatonMetrics.VALIDATION, "outcome", "rejected", "error", "invalid_token")).isEqualTo(1);
        assertThat(timerCount(BatonMetrics.VALIDATION, "outcome", "rejected", "error", "insufficient_scope"))
                .isEqualTo(1);
    }

    // ---- exchange -------------------------------------------------------------------------

    @Test
    void exchangesAreTimedBySourceAndAudience() throws Exception {
        as.route("/v1/token", r -> issued("backend-token"));
        TokenExchanger e = closing(exchanger().build());

        e.exchange(request(SUBJECT_TOKEN));
        e.exchange(request(SUBJECT_TOKEN));

        assertThat(timerCount(BatonMetrics.EXCHANGE, "outcome", "success", "source", "token_endpoint",
                "audience", "backend", "error", "none")).isEqualTo(1);
        assertThat(timerCount(BatonMetrics.EXCHANGE, "outcome", "success", "source", "cache",
                "audience", "backend", "error", "none")).isEqualTo(1);
    }

    @Test
    void everySourceBecomesItsLowerCaseNameWithoutAListOfThem() {
        for (ExchangeEvent.Source source : ExchangeEvent.Source.values()) {
            metrics.onExchange(event(source, null, List.of("backend")));
        }

        assertThat(registry.find(BatonMetrics.EXCHANGE).timers()).extracting(t -> t.getId().getTag("source"))
                .containsExactlyInAnyOrder(List.of(ExchangeEvent.Source.values()).stream()
                        .map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new));
    }

    @Test
    void tokenEndpointOAuthErrorsAreCountedOncePerExchange() {
        as.route("/v1/token", r -> json(400, "{\"error\":\"invalid_grant\"}"));
        TokenExchanger e = closing(exchanger().build());

        assertThatThrownBy(() -> e.exchange(request(SUBJECT_TOKEN))).isInstanceOf(TokenExchangeException.class);

        assertThat(registry.get(BatonMetrics.TOKEN_ENDPOINT_ERRORS).tags("error", "invalid_grant", "audience",
                "backend").counter().count()).isEqualTo(1);
        assertThat(timerCount(BatonMetrics.EXCHANGE, "outcome", "failure", "source", "token_endpoint",
                "error", "invalid_grant")).isEqualTo(1);
    }

    @Test
    void anUnknownErrorCodeIsCountedAsOther() {
        AtomicInteger n = new AtomicInteger();
        as.route("/v1/token", r -> json(400, "{\"error\":\"made_up_" + n.incrementAndGet() + "\"}"));
        TokenExchanger e = closing(exchanger().build());

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> e.exchange(request(SUBJECT_TOKEN))).isInstanceOf(TokenExchangeException.class);
        }

        assertThat(registry.find(BatonMetrics.TOKEN_ENDPOINT_ERRORS).counters()).singleElement()
                .satisfies(c -> assertThat(c.getId().getTag("error")).isEqualTo("other"))
                .satisfies(c -> assertThat(c.count()).isEqualTo(3));
    }

    @Test
    void aCallThatDidNotReachTheTokenEndpointCountsNoTokenEndpointError() {
        metrics.onExchange(event(ExchangeEvent.Source.CACHE, "invalid_grant", List.of("backend")));
        metrics.onExchange(event(ExchangeEvent.Source.JOINED, "invalid_grant", List.of("backend")));

        assertThat(registry.find(BatonMetrics.TOKEN_ENDPOINT_ERRORS).counters()).isEmpty();
    }

    @Test
    void audienceTagValuesAreCapped() {
        for (int i = 0; i < BatonMetrics.MAX_AUDIENCE_TAGS + 50; i++) {
            metrics.onExchange(event(ExchangeEvent.Source.CACHE, null, List.of("backend-" + i)));
        }

        List<String> audiences = registry.find(BatonMetrics.EXCHANGE).timers().stream()
                .map(t -> t.getId().getTag("audience")).toList();
        assertThat(audiences).hasSize(BatonMetrics.MAX_AUDIENCE_TAGS + 1).contains("other");
        assertThat(registry.get(BatonMetrics.EXCHANGE).tags("audience", "other").timer().count()).isEqualTo(50);
    }

    @Test
    void severalAudiencesAreOneSortedTagValue() {
        metrics.onExchange(event(ExchangeEvent.Source.CACHE, null, List.of("orders", "backend")));
        metrics.onExchange(event(ExchangeEvent.Source.CACHE, null, List.of("backend", "orders")));

        assertThat(registry.get(BatonMetrics.EXCHANGE).tags("audience", "backend,orders").timer().count())
                .isEqualTo(2);
    }

    // ---- cache gauges ---------------------------------------------------------------------

    @Test
    void monitorShowsTheCacheSizeHitRatioAndRequests() throws Exception {
        as.route("/v1/token", r -> issued("backend-token"));
        TokenExchanger e = closing(exchanger().build());
        metrics.monitor(e, "backend");

        e.exchange(request(SUBJECT_TOKEN));
        e.exchange(request(SUBJECT_TOKEN));
        e.exchange(request(SUBJECT_TOKEN + "-bob"));

        assertThat(registry.get(BatonMetrics.CACHE_SIZE).tag("name", "backend").gauge().value()).isEqualTo(2);
        assertThat(registry.get(BatonMetrics.CACHE_HIT_RATIO).tag("name", "backend").gauge().value())
                .isEqualTo(1.0 / 3);
        assertThat(registry.get(BatonMetrics.CACHE_REQUESTS).tags("name", "backend", "result", "hit")
                .functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(BatonMetrics.CACHE_REQUESTS).tags("name", "backend", "result", "miss")
                .functionCounter().count()).isEqualTo(2);
    }

    @Test
    void monitorCountsRefreshAheadExchanges() throws Exception {
        AtomicInteger issuedCount = new AtomicInteger();
        as.route("/v1/token", r -> issued("backend-token-" + issuedCount.incrementAndGet()));
        TokenExchanger e = closing(exchanger().refreshAhead(0.5).build());
        metrics.monitor(e, "backend");
        e.exchange(request(SUBJECT_TOKEN));

        // Cacheable life is 270 s; past half of it, a read starts one background exchange.
        clock.advance(Duration.ofSeconds(140));
        e.exchange(request(SUBJECT_TOKEN));

        assertThat(registry.get(BatonMetrics.CACHE_REFRESHES).tag("name", "backend").functionCounter().count())
                .isEqualTo(1);
    }

    @Test
    void eachMonitoredExchangerNeedsItsOwnName() {
        TokenExchanger e = closing(exchanger().build());
        metrics.monitor(e, "backend");

        assertThatThrownBy(() -> metrics.monitor(e, "backend")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backend");
        assertThatThrownBy(() -> metrics.monitor(e, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
    }

    // ---- what tags never show -------------------------------------------------------------

    @Test
    void noTagCarriesATokenFingerprintSubjectClientIdOrSecret() throws Exception {
        as.route("/v1/token", r -> issued("backend-token"));
        TokenValidator v = validator();
        TokenExchanger e = closing(exchanger().build());
        metrics.monitor(e, "backend");
        String token = goodToken("alice-subject");
        ValidatedToken user = v.validate(token);
        assertThatThrownBy(() -> v.validate(as.token().subject("bob-subject").audience("mcpserver").sign()))
                .isInstanceOf(TokenValidationException.class);

        e.exchange(ExchangeRequest.builder().subjectToken(user).audience("backend").build());
        e.exchange(request(SUBJECT_TOKEN));

        List<String> tagValues = new ArrayList<>();
        for (Meter m : registry.getMeters()) {
            for (Tag t : m.getId().getTags()) {
                tagValues.add(t.getValue());
            }
        }
        assertThat(tagValues).isNotEmpty().noneMatch(value -> value.contains(token) || value.contains(SUBJECT_TOKEN)
                || value.contains(SECRET) || value.contains("alice-subject") || value.contains("bob-subject")
                || value.contains("metrics-client") || value.contains(user.fingerprint())
                || value.contains(ValidatedToken.fingerprintOf(SUBJECT_TOKEN)));
    }
}
