package dev.baton;

import static dev.baton.ExchangeFixtures.SECRET;
import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.issued;
import static dev.baton.ExchangeFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.EndpointObserver.Endpoint;
import dev.baton.testkit.FaultServer;
import dev.baton.testkit.RecordingEndpointObserver;
import dev.baton.testkit.RecordingEndpointObserver.Ended;
import dev.baton.testkit.TestAuthorizationServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP call to an authorization server is shown to the {@link EndpointObserver}, once per
 * attempt, over real HTTP: discovery, JWKS, introspection and the token endpoint.
 */
class EndpointObserverTest extends ValidatorTestSupport {
    private final RecordingEndpointObserver observer = new RecordingEndpointObserver();
    /** Everything built here, closed after each test: none may keep Baton's threads alive for the next class. */
    private final List<AutoCloseable> built = new ArrayList<>();

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

    private static EndpointObserver throwing() {
        return (endpoint, uri) -> {
            throw new IllegalStateException("observer bug");
        };
    }

    private static EndpointObserver throwingAtTheEnd() {
        return (endpoint, uri) -> new EndpointObserver.Call() {
            @Override
            public void responded(int status) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void failed(String reason) {
                throw new IllegalStateException("observer bug");
            }
        };
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private TokenExchanger.Builder exchanger() {
        as.route("/v1/token", r -> issued("backend-token", 300));
        return TokenExchanger.builder().tokenEndpoint(as.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .retryBackoff(Duration.ofMillis(1)).auditListener(AuditListener.none());
    }

    private static ExchangeRequest request() {
        return ExchangeFixtures.request(SUBJECT_TOKEN);
    }

    private static void assertEachEndedOnce(List<Ended> calls) {
        assertThat(calls).isNotEmpty().allSatisfy(c -> assertThat(c.endings()).isEqualTo(1));
    }

    // ---- validation -----------------------------------------------------------------------

    @Test
    void validationReportsTheDiscoveryAndTheJwksFetchOnceEach() throws Exception {
        TokenValidator v = closing(builder().requiredScopes(SCOPE).endpointObserver(observer).build());

        v.validate(token().sign());

        assertThat(observer.calls()).extracting(Ended::endpoint).containsExactly(Endpoint.DISCOVERY, Endpoint.JWKS);
        assertThat(observer.calls(Endpoint.DISCOVERY).get(0).uri()).isEqualTo(server.url(as.rfc8414Path()).uri());
        assertThat(observer.calls(Endpoint.JWKS).get(0).uri()).isEqualTo(URI.create(as.jwksUri()));
        assertThat(observer.calls()).extracting(Ended::status).containsExactly(200, 200);
        assertEachEndedOnce(observer.calls());
    }

    @Test
    void aValidationServedByTheCachedKeysMakesNoCall() throws Exception {
        TokenValidator v = closing(builder().requiredScopes(SCOPE).endpointObserver(observer).build());
        v.validate(token().sign());

        v.validate(token().subject("bob").sign());

        assertThat(observer.calls()).hasSize(2);
    }

    @Test
    void everyDiscoveryUrlTriedIsItsOwnCall() throws Exception {
        as.discovery(TestAuthorizationServer.Discovery.OIDC);
        TokenValidator v = closing(builder().requiredScopes(SCOPE).endpointObserver(observer).build());

        v.validate(token().sign());

        List<Ended> discovery = observer.calls(Endpoint.DISCOVERY);
        assertThat(discovery).extracting(Ended::status).containsExactly(404, 404, 200);
        assertThat(discovery.get(2).uri()).isEqualTo(server.url(as.oidcPath()).uri());
        assertEachEndedOnce(discovery);
    }

    @Test
    void aJwksErrorStatusIsAResponseNotAFailure() {
        as.jwksResponse(json(503, "{}"));
        TokenValidator v = closing(builder().jwksUri(as.jwksUri()).endpointObserver(observer).build());

        assertThatThrownBy(() -> v.validate(token().sign())).isInstanceOf(TokenValidationException.class);

        assertThat(observer.calls(Endpoint.JWKS)).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(503))
                .satisfies(c -> assertThat(c.reason()).isNull());
    }

    @Test
    void anUnreachableJwksEndpointIsReportedAsFailed() throws Exception {
        TokenValidator v = closing(builder().jwksUri("http://127.0.0.1:" + closedPort() + "/keys")
                .endpointObserver(observer).build());

        assertThatThrownBy(() -> v.validate(token().sign())).isInstanceOf(TokenValidationException.class);

        assertThat(observer.calls(Endpoint.JWKS)).singleElement()
                .satisfies(c -> assertThat(c.responded()).isFalse())
                .satisfies(c -> assertThat(c.reason()).isEqualTo("connection refused"));
        assertEachEndedOnce(observer.calls());
    }

    @Test
    void introspectionIsReportedWithItsStatus() throws Exception {
        as.introspection(t -> TestAuthorizationServer.json("{\"active\":true,\"sub\":\"alice\",\"scope\":\"" + SCOPE
                + "\",\"aud\":\"" + AUDIENCE + "\",\"iss\":\"" + as.issuer() + "\",\"exp\":"
                + clock.instant().plusSeconds(300).getEpochSecond() + "}"));
        TokenValidator v = closing(builder().requiredScopes(SCOPE).endpointObserver(observer)
                .introspection(as.introspectionEndpoint(), ClientAuthentication.clientSecretBasic("mcp", SECRET))
                .build());

        v.validate("opaque-token-7f3a9c2e1b");

        assertThat(observer.calls()).singleElement()
                .satisfies(c -> assertThat(c.endpoint()).isEqualTo(Endpoint.INTROSPECTION))
                .satisfies(c -> assertThat(c.uri()).isEqualTo(URI.create(as.introspectionEndpoint())))
                .satisfies(c -> assertThat(c.status()).isEqualTo(200));
    }

    @Test
    void theObserverNeverSeesTheQueryOrUserInfoOfAnEndpoint() throws Exception {
        TokenValidator v = closing(builder().jwksUri(as.jwksUri() + "?api_key=s3cr3t-in-query")
                .endpointObserver(observer).build());

        v.validate(token().sign());

        assertThat(observer.calls(Endpoint.JWKS)).singleElement()
                .satisfies(c -> assertThat(c.uri()).isEqualTo(URI.create(as.jwksUri())));
    }

    @Test
    void aThrowingObserverDoesNotChangeAValidation() throws Exception {
        TokenValidator v = closing(builder().requiredScopes(SCOPE)
                .endpointObserver(EndpointObserver.of(throwing(), throwingAtTheEnd(), observer)).build());

        ValidatedToken user = v.validate(token().sign());

        assertThat(user.subject()).isEqualTo("alice");
        assertThat(observer.calls()).hasSize(2);
        assertEachEndedOnce(observer.calls());
    }

    @Test
    void anObserverThatThrowsOnItsOwnDoesNotChangeAValidation() throws Exception {
        TokenValidator v = closing(builder().requiredScopes(SCOPE).endpointObserver(throwing()).build());

        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");
        TokenValidator other = closing(builder().requiredScopes(SCOPE).endpointObserver(throwingAtTheEnd()).build());
        assertThat(other.validate(token().sign()).subject()).isEqualTo("alice");
    }

    // ---- exchange -------------------------------------------------------------------------

    @Test
    void eachTokenEndpointAttemptIsItsOwnCall() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        TokenExchanger e = closing(exchanger().maxAttempts(3).endpointObserver(observer).build());
        as.route("/v1/token", r -> switch (attempts.incrementAndGet()) {
            case 1 -> json(503, "{\"error\":\"temporarily_unavailable\"}");
            case 2 -> json(502, "bad gateway");
            default -> issued("backend-token", 300);
        });

        assertThat(e.exchange(request()).accessToken()).isEqualTo("backend-token");

        List<Ended> calls = observer.calls(Endpoint.TOKEN);
        assertThat(calls).extracting(Ended::status).containsExactly(503, 502, 200);
        assertThat(calls).extracting(Ended::uri).containsOnly(URI.create(as.tokenEndpoint()));
        assertEachEndedOnce(calls);
        assertThat(observer.calls()).hasSize(3);
    }

    @Test
    void aCachedExchangeMakesNoCall() throws Exception {
        TokenExchanger e = closing(exchanger().endpointObserver(observer).build());
        e.exchange(request());

        e.exchange(request());

        assertThat(observer.calls(Endpoint.TOKEN)).hasSize(1);
    }

    @Test
    void anOAuthErrorIsAResponse() {
        TokenExchanger e = closing(exchanger().endpointObserver(observer).build());
        as.route("/v1/token", r -> json(400, "{\"error\":\"invalid_grant\"}"));

        assertThatThrownBy(() -> e.exchange(request())).isInstanceOf(TokenExchangeException.class);

        assertThat(observer.calls(Endpoint.TOKEN)).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(400));
    }

    @Test
    void unreachableTokenEndpointAttemptsAreEachReportedAsFailed() throws Exception {
        TokenExchanger e = closing(TokenExchanger.builder().tokenEndpoint("http://127.0.0.1:" + closedPort() + "/token")
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .retryBackoff(Duration.ofMillis(1)).maxAttempts(3).auditListener(AuditListener.none())
                .endpointObserver(observer).build());

        assertThatThrownBy(() -> e.exchange(request())).isInstanceOf(TokenExchangeException.class);

        assertThat(observer.calls(Endpoint.TOKEN)).hasSize(3)
                .allSatisfy(c -> assertThat(c.reason()).isEqualTo("connection refused"));
        assertEachEndedOnce(observer.calls());
    }

    @Test
    void theDeadlineIsReportedAsATimeout() throws Exception {
        try (FaultServer slow = new FaultServer(FaultServer.trickle())) {
            TokenExchanger e = closing(TokenExchanger.builder().tokenEndpoint(slow.url("/token"))
                    .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                    .deadline(Duration.ofMillis(500)).auditListener(AuditListener.none())
                    .endpointObserver(observer).build());

            assertThatThrownBy(() -> e.exchange(request())).isInstanceOf(TokenExchangeException.class);

            assertThat(observer.calls(Endpoint.TOKEN)).singleElement()
                    .satisfies(c -> assertThat(c.reason()).isEqualTo("timeout"));
        }
    }

    @Test
    void aBodyOverTheCapIsReportedAsFailed() throws Exception {
        try (FaultServer huge = new FaultServer(FaultServer.huge(1, true))) {
            TokenExchanger e = closing(TokenExchanger.builder().tokenEndpoint(huge.url("/token"))
                    .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                    .auditListener(AuditListener.none()).endpointObserver(observer).build());

            assertThatThrownBy(() -> e.exchange(request())).isInstanceOf(TokenExchangeException.class);

            assertThat(observer.calls(Endpoint.TOKEN)).singleElement()
                    .satisfies(c -> assertThat(c.reason()).isEqualTo("body too large"));
        }
    }

    @Test
    void theExchangersDiscoveryIsReported() throws Exception {
        TokenExchanger e = closing(exchanger().issuer(as.issuer()).endpointObserver(observer).build());

        e.exchange(request());

        assertThat(observer.calls()).extracting(Ended::endpoint).containsExactly(Endpoint.DISCOVERY, Endpoint.TOKEN);
        assertEachEndedOnce(observer.calls());
    }

    @Test
    void aThrowingObserverDoesNotChangeAnExchange() throws Exception {
        TokenExchanger e = closing(exchanger().maxAttempts(2)
                .endpointObserver(EndpointObserver.of(throwing(), throwingAtTheEnd(), observer)).build());

        assertThat(e.exchange(request()).accessToken()).isEqualTo("backend-token");
        TokenExchanger other = closing(exchanger().endpointObserver(throwingAtTheEnd()).build());
        assertThat(other.exchange(request()).accessToken()).isEqualTo("backend-token");
        assertThat(observer.calls(Endpoint.TOKEN)).hasSize(1);
    }

    @Test
    void theObserverSeesNoTokenOrSecret() throws Exception {
        TokenExchanger e = closing(exchanger().endpointObserver(observer).build());

        e.exchange(request());

        assertThat(observer.calls().toString()).doesNotContain(SUBJECT_TOKEN).doesNotContain(SECRET);
    }

    // ---- combining ------------------------------------------------------------------------

    @Test
    void combinedObserversEachSeeEveryCall() throws Exception {
        RecordingEndpointObserver other = new RecordingEndpointObserver();
        TokenValidator v = closing(builder().requiredScopes(SCOPE).endpointObserver(EndpointObserver.of(observer, other))
                .build());

        v.validate(token().sign());

        assertThat(other.calls()).isEqualTo(observer.calls()).hasSize(2);
    }
}
