package dev.baton;

import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.issued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.TestAuthorizationServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code issuer(..)}: the token endpoint comes from the authorization server's metadata (RFC 8414, OIDC). */
class TokenExchangerDiscoveryTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHeldResponses() {
        release.countDown();
    }

    /** Holds every metadata response of {@code as} until the test releases it (bounded). */
    private void holdDiscovery(TestAuthorizationServer as) {
        Dispatcher real = server.getDispatcher();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if (request.getUrl().encodedPath().contains("/.well-known/")) {
                    release.await(10, TimeUnit.SECONDS);
                }
                return real.dispatch(request);
            }
        });
    }

    private TokenExchanger exchangerFor(TestAuthorizationServer as) {
        return TokenExchanger.builder()
                .issuer(as.issuer())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", ExchangeFixtures.SECRET))
                .auditListener(AuditListener.none())
                .build();
    }

    @Test
    void discoversTheTokenEndpointFromRfc8414Metadata() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        AtomicInteger tokenRequests = new AtomicInteger();
        as.route("/v1/token", r -> {
            tokenRequests.incrementAndGet();
            return issued("backend-token", 300);
        });
        TokenExchanger exchanger = exchangerFor(as);

        ExchangedToken token = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        exchanger.exchange(ExchangeFixtures.request("another-user"));

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(tokenRequests).hasValue(2);
        assertThat(as.discoveryRequests()).isEqualTo(1);
    }

    @Test
    void discoversTheTokenEndpointFromOpenIdConfiguration() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend")
                .discovery(TestAuthorizationServer.Discovery.OIDC);
        as.route("/v1/token", r -> issued("backend-token", 300));

        ExchangedToken token = exchangerFor(as).exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
    }

    @Test
    void failsWhenMetadataNamesAnotherIssuerAndTriesAgainLater() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend")
                .metadataIssuer("https://evil.example.com/oauth2/backend");
        as.route("/v1/token", r -> issued("backend-token", 300));
        TokenExchanger exchanger = exchangerFor(as);

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOfSatisfying(TokenExchangeException.class,
                        e -> assertThat(e.getMessage()).contains("discover"));

        as.metadataIssuer(null);
        assertThat(exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)).accessToken())
                .isEqualTo("backend-token");
    }

    @Test
    void failsWhenNoMetadataIsPublished() {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend")
                .discovery(TestAuthorizationServer.Discovery.NONE);
        TokenExchanger exchanger = exchangerFor(as);

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOf(TokenExchangeException.class);
    }

    @Test
    void exchangeAsyncReturnsAtOnceWhileTheTokenEndpointIsDiscovered() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        as.route("/v1/token", r -> issued("backend-token", 300));
        holdDiscovery(as);
        TokenExchanger exchanger = exchangerFor(as);

        long start = System.nanoTime();
        CompletableFuture<ExchangedToken> token = exchanger.exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN));
        Duration returnedAfter = Duration.ofNanos(System.nanoTime() - start);
        release.countDown();

        assertThat(returnedAfter).isLessThan(Duration.ofSeconds(2));
        assertThat(token.get(10, TimeUnit.SECONDS).accessToken()).isEqualTo("backend-token");
    }

    @Test
    void concurrentFirstExchangesShareOneDiscovery() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        as.route("/v1/token", r -> issued("backend-token", 300));
        holdDiscovery(as);
        TokenExchanger exchanger = exchangerFor(as);

        List<CompletableFuture<ExchangedToken>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(exchanger.exchangeAsync(ExchangeFixtures.request("user-" + i)));
        }
        release.countDown();
        for (CompletableFuture<ExchangedToken> c : calls) {
            assertThat(c.get(10, TimeUnit.SECONDS).accessToken()).isEqualTo("backend-token");
        }

        assertThat(as.discoveryRequests()).isEqualTo(1);
    }

    @Test
    void refusesADiscoveredPlainHttpTokenEndpointOnARemoteHost() {
        String issuer = server.url("/oauth2/backend").toString();
        AtomicInteger served = new AtomicInteger();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                served.incrementAndGet();
                if (request.getUrl().encodedPath().equals("/.well-known/oauth-authorization-server/oauth2/backend")) {
                    return TestAuthorizationServer.json("{\"issuer\":\"" + issuer
                            + "\",\"token_endpoint\":\"http://token.example/v1/token\","
                            + "\"response_types_supported\":[\"code\"]}");
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
        TokenExchanger exchanger = TokenExchanger.builder().issuer(issuer)
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", ExchangeFixtures.SECRET))
                .auditListener(AuditListener.none()).build();

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOfSatisfying(TokenExchangeException.class, e -> {
                    assertThat(e.getMessage()).contains("discover").doesNotContain("token.example");
                    // The authorization server may fix its metadata: a later exchange discovers again.
                    assertThat(e.isRetryable()).isTrue();
                });
        assertThat(served).hasValue(1);
    }

    @Test
    void recoversOnceTheIssuerFixesARefusedTokenEndpoint() throws Exception {
        String issuer = server.url("/oauth2/backend").toString();
        String fixedEndpoint = server.url("/oauth2/backend/v1/token").toString();
        java.util.concurrent.atomic.AtomicBoolean fixed = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger tokenCalls = new AtomicInteger();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                if (path.equals("/.well-known/oauth-authorization-server/oauth2/backend")) {
                    String endpoint = fixed.get() ? fixedEndpoint : "http://token.example/v1/token";
                    return TestAuthorizationServer.json("{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\""
                            + endpoint + "\",\"response_types_supported\":[\"code\"]}");
                }
                if (path.equals("/oauth2/backend/v1/token")) {
                    tokenCalls.incrementAndGet();
                    return issued("backend-token", 300);
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
        TokenExchanger exchanger = TokenExchanger.builder().issuer(issuer)
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", ExchangeFixtures.SECRET))
                .auditListener(AuditListener.none()).build();
        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOf(TokenExchangeException.class);

        fixed.set(true);
        ExchangedToken token = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(tokenCalls).hasValue(1);
        exchanger.close();
    }
}
