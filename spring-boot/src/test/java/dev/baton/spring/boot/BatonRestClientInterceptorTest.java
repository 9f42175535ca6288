package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ThreadBoundToken;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.testkit.TestAuthorizationServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The RestClient interceptor over real HTTP: the exchanged token on routed calls only, the user
 * from the thread, the request or the security context, and nothing sent without an exchanged
 * token (docs/security.md cases 19 and 32).
 */
class BatonRestClientInterceptorTest {
    @StartStop
    final MockWebServer backend = new MockWebServer();
    @StartStop
    final MockWebServer other = new MockWebServer();
    @StartStop
    final MockWebServer idpServer = new MockWebServer();

    private final AtomicInteger exchanges = new AtomicInteger();
    private TestAuthorizationServer idp;
    private TokenValidator validator;

    @BeforeEach
    void setUp() {
        idp = new TestAuthorizationServer(idpServer, "/oauth2/backend").route("/v1/token", r -> {
            exchanges.incrementAndGet();
            return TestAuthorizationServer.json("{\"access_token\":\"exchanged-" + exchanges.get() + "\","
                    + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                    + "\"token_type\":\"Bearer\",\"expires_in\":300}");
        });
        validator = TokenValidator.builder().issuer(idp.issuer()).audience("mcpserver").build();
    }

    @AfterEach
    void tearDown() {
        validator.close();
        SecurityContextHolder.clearContext();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, BatonHttpClientAutoConfiguration.class))
                .withPropertyValues("baton.token-exchange.token-endpoint=" + idp.tokenEndpoint(),
                        "baton.token-exchange.client-id=toolhive", "baton.token-exchange.client-secret=s3cr3t",
                        "baton.allow-http-on-loopback=true",
                        "baton.routes[0].url=" + backend.url("/graphql"),
                        "baton.routes[0].audience=backend", "baton.routes[0].scopes=backend-api:read",
                        "baton.routes[0].name=countries backend");
    }

    private ValidatedToken user(String subject) throws Exception {
        return validator.validate(idp.token().subject(subject).audience("mcpserver").sign());
    }

    private static RestClient client(org.springframework.context.ApplicationContext context) {
        return RestClient.builder().requestInterceptor(context.getBean(BatonRestClientInterceptor.class)).build();
    }

    @Test
    void sendsTheTokenExchangedForTheThreadsUserToARoutedBackend() throws Exception {
        backend.enqueue(new MockResponse.Builder().body("ok").build());
        ValidatedToken alice = user("alice");
        runner().run(context -> {
            try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(alice)) {
                client(context).post().uri(backend.url("/graphql/x").uri()).header("Authorization", "Bearer " + alice.value())
                        .body("{}").retrieve().toBodilessEntity();
            }
            RecordedRequest sent = backend.takeRequest(5, TimeUnit.SECONDS);
            assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-1");
            assertThat(sent.getHeaders().toString()).doesNotContain(alice.value());
        });
    }

    @Test
    void leavesRequestsOutsideEveryRouteUntouched() throws Exception {
        other.enqueue(new MockResponse.Builder().body("ok").build());
        backend.enqueue(new MockResponse.Builder().body("ok").build());
        ValidatedToken alice = user("alice");
        runner().run(context -> {
            try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(alice)) {
                client(context).get().uri(other.url("/graphql").uri()).retrieve().toBodilessEntity();
                client(context).get().uri(backend.url("/graphqlx").uri()).retrieve().toBodilessEntity();
            }
            assertThat(other.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization")).isNull();
            assertThat(backend.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization")).isNull();
            assertThat(exchanges).hasValue(0);
        });
    }

    @Test
    void withoutAUserTheRoutedRequestIsNotSent() {
        runner().run(context -> {
            assertThatThrownBy(() -> client(context).get().uri(backend.url("/graphql").uri()).retrieve().toBodilessEntity())
                    .isInstanceOf(ResourceAccessException.class).cause().isInstanceOf(RouteTokenException.class)
                    .satisfies(e -> assertThat(((RouteTokenException) e).reason()).isEqualTo(RouteTokenException.Reason.NO_USER));
            assertThat(backend.getRequestCount()).isZero();
        });
    }

    @Test
    void aRefusedExchangeFailsTheCallWithoutSendingIt() throws Exception {
        idp.route("/v1/token", r -> TestAuthorizationServer.json(400, "{\"error\":\"invalid_grant\"}"));
        ValidatedToken alice = user("alice");
        runner().run(context -> {
            try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(alice)) {
                assertThatThrownBy(() -> client(context).get().uri(backend.url("/graphql").uri()).retrieve().toBodilessEntity())
                        .cause().isInstanceOf(RouteTokenException.class)
                        .satisfies(e -> {
                            RouteTokenException rte = (RouteTokenException) e;
                            assertThat(rte.reason()).isEqualTo(RouteTokenException.Reason.EXCHANGE_FAILED);
                            assertThat(rte.exchangeFailure()).get().extracting(x -> x.error()).isEqualTo("invalid_grant");
                            assertThat(rte.getMessage()).doesNotContain(alice.value());
                        });
            }
            assertThat(backend.getRequestCount()).isZero();
        });
    }

    @Test
    void exchangesOncePerUserAndServesTheRestFromTheCache() throws Exception {
        for (int i = 0; i < 4; i++) {
            backend.enqueue(new MockResponse.Builder().body("ok").build());
        }
        ValidatedToken alice = user("alice");
        ValidatedToken bob = user("bob");
        runner().run(context -> {
            for (ValidatedToken u : new ValidatedToken[] {alice, alice, bob, bob}) {
                try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(u)) {
                    client(context).get().uri(backend.url("/graphql").uri()).retrieve().toBodilessEntity();
                }
            }
            assertThat(exchanges).hasValue(2);
        });
    }

    @Test
    void aBackend401DropsTheCachedTokenSoTheNextCallExchangesAgain() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .build());
        backend.enqueue(new MockResponse.Builder().body("ok").build());
        ValidatedToken alice = user("alice");
        runner().run(context -> {
            try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(alice)) {
                int status = client(context).get().uri(backend.url("/graphql").uri())
                        .exchange((req, resp) -> resp.getStatusCode().value());
                assertThat(status).isEqualTo(401);
                client(context).get().uri(backend.url("/graphql").uri()).retrieve().toBodilessEntity();
            }
            backend.takeRequest(5, TimeUnit.SECONDS);
            assertThat(backend.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-2");
        });
    }

    @Test
    void aDPoPBoundTokenGoesOutWithAProofAndTheBackendsNonceAfterOneTry() throws Exception {
        idp.route("/v1/token", r -> TestAuthorizationServer.json("{\"access_token\":\"dpop-bound\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                + "\"token_type\":\"DPoP\",\"expires_in\":300}"));
        backend.enqueue(new MockResponse.Builder().code(401)
                .addHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"").addHeader("DPoP-Nonce", "n-1").build());
        backend.enqueue(new MockResponse.Builder().body("ok").build());
        ValidatedToken alice = user("alice");
        runner().withPropertyValues("baton.token-exchange.dpop=true").run(context -> {
            try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(alice)) {
                client(context).get().uri(backend.url("/graphql?q=1").uri()).retrieve().toBodilessEntity();
            }
            RecordedRequest first = backend.takeRequest(5, TimeUnit.SECONDS);
            RecordedRequest second = backend.takeRequest(5, TimeUnit.SECONDS);
            assertThat(first.getHeaders().get("Authorization")).isEqualTo("DPoP dpop-bound");
            assertThat(second.getHeaders().get("Authorization")).isEqualTo("DPoP dpop-bound");
            com.nimbusds.jwt.JWTClaimsSet proof = com.nimbusds.jwt.SignedJWT.parse(second.getHeaders().get("DPoP"))
                    .getJWTClaimsSet();
            assertThat(proof.getStringClaim("htm")).isEqualTo("GET");
            assertThat(proof.getStringClaim("htu")).isEqualTo(backend.url("/graphql").toString());
            assertThat(proof.getStringClaim("nonce")).isEqualTo("n-1");
            assertThat(proof.getStringClaim("ath")).isNotBlank();
        });
    }

    @Test
    void findsTheUserInSpringSecuritysContext() throws Exception {
        backend.enqueue(new MockResponse.Builder().body("ok").build());
        ValidatedToken bob = user("bob");
        runner().run(context -> {
            SecurityContextHolder.getContext().setAuthentication(new BatonAuthentication(bob));
            client(context).get().uri(backend.url("/graphql").uri()).retrieve().toBodilessEntity();
            assertThat(backend.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
                    .isEqualTo("Bearer exchanged-1");
            assertThat(exchanges).hasValue(1);
        });
    }
}
