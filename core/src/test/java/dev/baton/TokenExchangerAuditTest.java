package dev.baton;

import static dev.baton.ExchangeFixtures.SECRET;
import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.awaitQuietly;
import static dev.baton.ExchangeFixtures.awaitTrue;
import static dev.baton.ExchangeFixtures.issued;
import static dev.baton.ExchangeFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.RecordingAuditListener;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** One audit event per exchange call, never carrying a token (docs/security.md case 34). */
class TokenExchangerAuditTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final RecordingAuditListener audit = new RecordingAuditListener();

    private TokenExchanger exchanger() {
        return ExchangeFixtures.exchanger(server).auditListener(audit).build();
    }

    private static ExchangeRequest aliceRequest() {
        ValidatedToken alice = ValidatedToken.of(SUBJECT_TOKEN, Map.of("sub", "alice"));
        return ExchangeRequest.builder().subjectToken(alice).audience("backend")
                .resource("https://api.example.com/graphql").scopes("backend-api:read", "backend-api:write").build();
    }

    @Test
    void recordsExchangeAtTheTokenEndpoint() throws Exception {
        server.enqueue(json(200, "{\"access_token\":\"backend-token\",\"token_type\":\"Bearer\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"expires_in\":300,"
                + "\"scope\":\"backend-api:read\"}"));

        exchanger().exchange(aliceRequest());

        assertThat(audit.exchanges()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ExchangeEvent.Outcome.SUCCESS);
            assertThat(e.subject()).isEqualTo("alice");
            assertThat(e.clientId()).isEqualTo("baton");
            assertThat(e.subjectTokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(SUBJECT_TOKEN));
            assertThat(e.audiences()).containsExactly("backend");
            assertThat(e.resources()).containsExactly("https://api.example.com/graphql");
            assertThat(e.requestedScopes()).containsExactlyInAnyOrder("backend-api:read", "backend-api:write");
            assertThat(e.grantedScopes()).containsExactly("backend-api:read");
            assertThat(e.fromCache()).isFalse();
            assertThat(e.source()).isEqualTo(ExchangeEvent.Source.TOKEN_ENDPOINT);
            assertThat(e.error()).isNull();
            assertThat(e.httpStatus()).isEqualTo(200);
            assertThat(e.latency()).isPositive();
        });
    }

    @Test
    void recordsExchangeServedFromCache() throws Exception {
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = exchanger();

        exchanger.exchange(aliceRequest());
        exchanger.exchange(aliceRequest());

        assertThat(audit.exchanges()).hasSize(2);
        assertThat(audit.exchanges().get(1).fromCache()).isTrue();
        assertThat(audit.exchanges().get(1).source()).isEqualTo(ExchangeEvent.Source.CACHE);
        assertThat(audit.exchanges().get(1).httpStatus()).isZero();
        assertThat(audit.exchanges().get(1).outcome()).isEqualTo(ExchangeEvent.Outcome.SUCCESS);
        assertThat(audit.exchanges().get(1).subject()).isEqualTo("alice");
    }

    @Test
    void recordsFailureWithErrorAndStatus() {
        server.enqueue(json(400, "{\"error\":\"invalid_target\"}"));

        assertThatThrownBy(() -> exchanger().exchange(aliceRequest())).isInstanceOf(TokenExchangeException.class);

        assertThat(audit.exchanges()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ExchangeEvent.Outcome.FAILURE);
            assertThat(e.error()).isEqualTo("invalid_target");
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.grantedScopes()).isEmpty();
        });
    }

    @Test
    void recordsAsyncExchangeOnce() throws Exception {
        server.enqueue(issued("backend-token", 300));

        exchanger().exchangeAsync(aliceRequest()).get(10, TimeUnit.SECONDS);

        assertThat(audit.exchanges()).hasSize(1);
    }

    @Test
    void eventsNeverCarryATokenOrSecret() throws Exception {
        server.enqueue(issued("backend-token-value", 300));
        server.enqueue(json(400, "{\"error\":\"invalid_grant\"}"));
        TokenExchanger exchanger = exchanger();
        exchanger.exchange(aliceRequest());
        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request("other-user-token-value")))
                .isInstanceOf(TokenExchangeException.class);

        assertThat(audit.exchanges()).hasSize(2).allSatisfy(e -> assertThat(e.toString())
                .doesNotContain(SUBJECT_TOKEN).doesNotContain("backend-token-value")
                .doesNotContain("other-user-token-value").doesNotContain(SECRET));
    }

    @Test
    void throwingListenerDoesNotBreakTheExchange() throws Exception {
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).auditListener(new AuditListener() {
            @Override
            public void onExchange(ExchangeEvent event) {
                throw new IllegalStateException("listener bug");
            }
        }).build();

        assertThat(exchanger.exchange(aliceRequest()).accessToken()).isEqualTo("backend-token");
    }

    @Test
    void toStringsNeverShowTokensOrSecrets() {
        TokenExchanger exchanger = exchanger();

        assertThat(exchanger.toString()).contains("baton").doesNotContain(SECRET);
        assertThat(aliceRequest().toString()).doesNotContain(SUBJECT_TOKEN);
        assertThat(ClientAuthentication.clientSecretPost("baton", SECRET).toString()).doesNotContain(SECRET);
    }

    @Test
    void callersJoiningAnExchangeInFlightAreNotAuditedAsTokenEndpointCalls() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger tokenRequests = new AtomicInteger();
        as.route("/v1/token", r -> {
            tokenRequests.incrementAndGet();
            awaitQuietly(release);
            return issued("token-for-" + ExchangeFixtures.form(r).get("subject_token").get(0), 300);
        });
        TokenExchanger exchanger = TokenExchanger.builder().tokenEndpoint(as.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .deadline(Duration.ofSeconds(30)).auditListener(audit).build();
        int callers = 10;
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<ExchangedToken>> results = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                String user = i % 2 == 0 ? "alice-token" : "bob-token";
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return exchanger.exchange(ExchangeFixtures.request(user));
                }));
            }
            // Both token endpoint calls are held until every caller has found one of them in flight.
            awaitTrue(() -> tokenRequests.get() == 2
                    && exchanger.cacheStats().hits() + exchanger.cacheStats().misses() == callers);
            release.countDown();
            for (Future<ExchangedToken> f : results) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }

        assertThat(tokenRequests).hasValue(2);
        assertThat(exchanger.cacheStats()).isEqualTo(new ExchangeCacheStats(8, 2, 2, 0, 0, 0, 2));
        assertThat(audit.exchanges()).hasSize(callers);
        assertThat(audit.exchanges()).filteredOn(e -> e.httpStatus() == 200).hasSize(2)
                .allSatisfy(e -> assertThat(e.source()).isEqualTo(ExchangeEvent.Source.TOKEN_ENDPOINT))
                .extracting(ExchangeEvent::subjectTokenFingerprint).containsExactlyInAnyOrder(
                        ValidatedToken.fingerprintOf("alice-token"), ValidatedToken.fingerprintOf("bob-token"));
        assertThat(audit.exchanges()).filteredOn(e -> e.source() == ExchangeEvent.Source.JOINED).hasSize(8)
                .allSatisfy(e -> {
                    assertThat(e.httpStatus()).isZero();
                    assertThat(e.fromCache()).isTrue();
                    assertThat(e.outcome()).isEqualTo(ExchangeEvent.Outcome.SUCCESS);
                });
    }

    @Test
    void joinedCallersShareTheFailureWithoutItsStatus() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        CountDownLatch release = new CountDownLatch(1);
        as.route("/v1/token", r -> {
            awaitQuietly(release);
            return json(400, "{\"error\":\"invalid_grant\"}");
        });
        TokenExchanger exchanger = TokenExchanger.builder().tokenEndpoint(as.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET)).auditListener(audit)
                .build();

        List<CompletableFuture<ExchangedToken>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(exchanger.exchangeAsync(aliceRequest()));
        }
        release.countDown();
        for (CompletableFuture<ExchangedToken> c : calls) {
            assertThat(c).failsWithin(Duration.ofSeconds(10));
        }

        assertThat(audit.exchanges()).hasSize(3).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(ExchangeEvent.Outcome.FAILURE);
            assertThat(e.error()).isEqualTo("invalid_grant");
        });
        assertThat(audit.exchanges()).extracting(ExchangeEvent::source).containsExactlyInAnyOrder(
                ExchangeEvent.Source.TOKEN_ENDPOINT, ExchangeEvent.Source.JOINED, ExchangeEvent.Source.JOINED);
        assertThat(audit.exchanges()).extracting(ExchangeEvent::httpStatus).containsExactlyInAnyOrder(400, 0, 0);
    }

    @Test
    void slf4jLineNamesTheSourceOfEachAnswer() throws Exception {
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).auditListener(AuditListener.slf4j()).build();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exchanger.exchange(aliceRequest());
            exchanger.exchange(aliceRequest());
        } finally {
            System.setErr(original);
        }

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("event=token_exchange")).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains(" status=200 source=token_endpoint cached=false ");
        assertThat(lines.get(1)).contains(" source=cache cached=true ").doesNotContain("status=");
        assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain(SUBJECT_TOKEN).doesNotContain("backend-token"));
    }
}
