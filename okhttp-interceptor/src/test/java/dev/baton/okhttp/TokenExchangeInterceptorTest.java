package dev.baton.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ThreadBoundToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenType;
import dev.baton.ValidatedToken;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Cache;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.Protocol;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The interceptor end to end through OkHttp, MockWebServer backends and a fake token endpoint:
 * routing, headers, the 401 replay and failures (docs/security.md cases 32-34).
 */
class TokenExchangeInterceptorTest extends InterceptorTestSupport {

    @Test
    void routedRequestCarriesTheExchangedToken() throws Exception {
        backend.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
    }

    @Test
    void exchangeRequestCarriesTheRouteParameters() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = defaultClient(interceptor(r -> r.audience("backend").scopes("backend-api:read")
                .resource("https://api.example.com/graphql").requestedTokenType(TokenType.ACCESS_TOKEN)));

        execute(client, get(backend, "/graphql/query", user("alice")).build());

        Map<String, String> form = tokenEndpoint.requests().get(0);
        assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                .containsEntry("subject_token", "subject-alice")
                .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")
                .containsEntry("audience", "backend")
                .containsEntry("scope", "backend-api:read")
                .containsEntry("resource", "https://api.example.com/graphql")
                .containsEntry("requested_token_type", "urn:ietf:params:oauth:token-type:access_token");
    }

    @Test
    void replacesAnAuthorizationHeaderTheCallerSet() throws Exception {
        backend.enqueue(ok());

        execute(backendClient(), get(backend, "/graphql", user("alice")).header("Authorization", "Basic c2VydmljZQ==")
                .build());

        assertThat(take(backend).getHeaders().values("Authorization")).containsExactly("Bearer exchanged-alice-1");
    }

    @Test
    void unroutedHostGetsNoTokenAndNoExchangeHappens() throws Exception {
        elsewhere.enqueue(ok());

        execute(backendClient(), get(elsewhere, "/graphql", user("alice")).build());

        assertThat(take(elsewhere).getHeaders().get("Authorization")).isNull();
        assertThat(tokenEndpoint.exchanges()).isZero();
    }

    @Test
    void unroutedRequestPassesThroughUntouched() throws Exception {
        elsewhere.enqueue(ok());

        execute(backendClient(), get(elsewhere, "/graphql", user("alice")).header("Authorization", "Basic c2VydmljZQ==")
                .build());

        assertThat(take(elsewhere).getHeaders().values("Authorization")).containsExactly("Basic c2VydmljZQ==");
    }

    @Test
    void pathSharingOnlyThePrefixIsNotRouted() throws Exception {
        backend.enqueue(ok());

        execute(backendClient(), get(backend, "/graphqlx", user("alice")).build());

        assertThat(take(backend).getHeaders().get("Authorization")).isNull();
        assertThat(tokenEndpoint.exchanges()).isZero();
    }

    @Test
    void longestMatchingRouteWins() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = defaultClient(TokenExchangeInterceptor.builder(exchanger)
                .route(backend.url("/").toString(), r -> r.audience("general"))
                .route(backend.url("/graphql").toString(), r -> r.audience("graphql"))
                .allowHttpOnLoopback());

        execute(client, get(backend, "/graphql/x", user("alice")).build());

        assertThat(tokenEndpoint.requests().get(0)).containsEntry("audience", "graphql");
    }

    @Test
    void twoUsersThroughOneClientConcurrentlyEachGetTheirOwnToken() throws Exception {
        backend.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String user = request.getUrl().pathSegments().get(1);
                String auth = request.getHeaders().get("Authorization");
                boolean own = auth != null && auth.startsWith("Bearer exchanged-" + user + "-");
                return new MockResponse.Builder().code(own ? 200 : 403).body(user).build();
            }
        });
        OkHttpClient client = backendClient();
        int perUser = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < perUser; i++) {
                for (String name : List.of("alice", "bob")) {
                    ValidatedToken token = user(name);
                    results.add(pool.submit(() -> {
                        start.await(5, TimeUnit.SECONDS);
                        try (Response r = client.newCall(get(backend, "/graphql/" + name, token).build()).execute()) {
                            return r.code();
                        }
                    }));
                }
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(backend.getRequestCount()).isEqualTo(2 * perUser);
        assertThat(tokenEndpoint.exchanges()).isEqualTo(2);
    }

    @Test
    void redirectToAnotherHostDoesNotCarryTheExchangedAuthorization() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(302).setHeader("Location", elsewhere.url("/landing")).build());
        elsewhere.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
        assertThat(take(elsewhere).getHeaders().get("Authorization")).isNull();
    }

    @Test
    void redirectToAnotherHostDoesNotCarryTheExchangedCustomHeader() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(307).setHeader("Location", elsewhere.url("/landing")).build());
        elsewhere.enqueue(ok());
        OkHttpClient client = installedClient(interceptor(r -> r.audience("backend").customHeader(CUSTOM)));

        Response response = execute(client, get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(take(backend).getHeaders().get(CUSTOM)).isEqualTo("Bearer exchanged-alice-1");
        RecordedRequest redirected = take(elsewhere);
        assertThat(redirected.getHeaders().get(CUSTOM)).isNull();
        assertThat(redirected.getHeaders().toMultimap().toString()).doesNotContain("exchanged-alice");
    }

    @Test
    void sameOriginRedirectKeepsTheCustomHeader() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/graphql/v2").build());
        backend.enqueue(ok());
        OkHttpClient client = installedClient(interceptor(r -> r.audience("backend").customHeader(CUSTOM)));

        execute(client, get(backend, "/graphql", user("alice")).build());

        take(backend);
        assertThat(take(backend).getHeaders().get(CUSTOM)).isEqualTo("Bearer exchanged-alice-1");
    }

    @Test
    void customHeaderLeavesAuthorizationAlone() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = installedClient(interceptor(r -> r.audience("backend").customHeader(CUSTOM)));

        execute(client, get(backend, "/graphql", user("alice")).header("Authorization", "Basic c2VydmljZQ==").build());

        RecordedRequest seen = take(backend);
        assertThat(seen.getHeaders().get(CUSTOM)).isEqualTo("Bearer exchanged-alice-1");
        assertThat(seen.getHeaders().values("Authorization")).containsExactly("Basic c2VydmljZQ==");
    }

    @Test
    void customHeaderRouteCannotBeBuiltWithoutItsNetworkHalfAndNothingIsSent() {
        TokenExchangeInterceptor.Builder builder = interceptor(r -> r.audience("backend").customHeader(CUSTOM));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("installOn(OkHttpClient.Builder)");
        assertThat(backend.getRequestCount()).isZero();
        assertThat(tokenEndpoint.exchanges()).isZero();
    }

    @Test
    void customHeaderInterceptorTakenOffItsNetworkHalfFailsAndNeverSendsTheToken() throws Exception {
        backend.enqueue(ok());
        OkHttpClient.Builder installed = interceptor(r -> r.audience("backend").customHeader(CUSTOM))
                .installOn(new OkHttpClient.Builder());
        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(installed.interceptors().get(0)).build();

        assertThatThrownBy(() -> execute(client, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(TokenInjectionException.class).hasMessageContaining("installOn(OkHttpClient.Builder)")
                .hasMessageNotContaining("exchanged-alice");
        RecordedRequest sent = take(backend);
        assertThat(sent.getHeaders().get(CUSTOM)).isNull();
        assertThat(sent.getHeaders().toMultimap().toString()).doesNotContain("exchanged-alice");
    }

    @Test
    void installOnAlsoServesTheDefaultHeader() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = installedClient(interceptor(r -> r.audience("backend")));

        execute(client, get(backend, "/graphql", user("alice")).build());

        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
    }

    @Test
    void retriesOnceWithAFreshTokenAfterAnInvalidToken401() throws Exception {
        backend.enqueue(unauthorized("Bearer error=\"invalid_token\", error_description=\"expired\""));
        backend.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-2");
        assertThat(tokenEndpoint.exchanges()).isEqualTo(2);
    }

    @Test
    void a401ReplayAfterTheExchangerWasClosedFailsAsAnIOException() {
        backend.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                exchanger.close();
                return unauthorized("Bearer error=\"invalid_token\"");
            }
        });
        OkHttpClient client = backendClient();

        assertThatThrownBy(() -> client.newCall(get(backend, "/graphql", user("alice")).build()).execute())
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void retriesAfterA401WithoutAnErrorCode() throws Exception {
        backend.enqueue(unauthorized("Bearer realm=\"backend\""));
        backend.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(backend.getRequestCount()).isEqualTo(2);
    }

    @Test
    void retryWorksWithTheCustomHeader() throws Exception {
        backend.enqueue(unauthorized("Bearer error=\"invalid_token\""));
        backend.enqueue(ok());
        OkHttpClient client = installedClient(interceptor(r -> r.audience("backend").customHeader(CUSTOM)));

        Response response = execute(client, get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        take(backend);
        assertThat(take(backend).getHeaders().get(CUSTOM)).isEqualTo("Bearer exchanged-alice-2");
    }

    @Test
    void secondConsecutive401ReachesTheCaller() throws Exception {
        backend.enqueue(unauthorized("Bearer error=\"invalid_token\""));
        backend.enqueue(unauthorized("Bearer error=\"invalid_token\""));
        backend.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(401);
        assertThat(backend.getRequestCount()).isEqualTo(2);
        assertThat(tokenEndpoint.exchanges()).isEqualTo(2);
    }

    @Test
    void doesNotRetryA401WithAnotherError() throws Exception {
        backend.enqueue(unauthorized("Bearer error=\"invalid_request\""));
        backend.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(401);
        assertThat(backend.getRequestCount()).isEqualTo(1);
    }

    @Test
    void doesNotRetryA401FromAnotherHostAfterARedirect() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(302).setHeader("Location", elsewhere.url("/landing")).build());
        elsewhere.enqueue(unauthorized("Bearer error=\"invalid_token\""));
        elsewhere.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(401);
        assertThat(elsewhere.getRequestCount()).isEqualTo(1);
        assertThat(tokenEndpoint.exchanges()).isEqualTo(1);
    }

    @Test
    void oneShotBodyIsNotRetried() throws Exception {
        backend.enqueue(unauthorized("Bearer error=\"invalid_token\""));
        backend.enqueue(ok());
        RequestBody oneShot = new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("application/json");
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8("{\"query\":\"{ countries { code } }\"}");
            }

            @Override
            public boolean isOneShot() {
                return true;
            }
        };

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).post(oneShot).build());

        assertThat(response.code()).isEqualTo(401);
        assertThat(backend.getRequestCount()).isEqualTo(1);
    }

    @Test
    void replayableBodyIsRetried() throws Exception {
        backend.enqueue(unauthorized("Bearer error=\"invalid_token\""));
        backend.enqueue(ok());
        RequestBody body = RequestBody.create("{\"query\":\"{ countries { code } }\"}", MediaType.get("application/json"));

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).post(body).build());

        assertThat(response.code()).isEqualTo(200);
        take(backend);
        assertThat(take(backend).getBody().utf8()).contains("countries");
    }

    @Test
    void exchangeFailureFailsTheCallAndNothingReachesTheBackend() {
        tokenEndpoint.mode(FakeTokenEndpoint.Mode.INVALID_GRANT);

        assertThatThrownBy(() -> execute(backendClient(), get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(TokenExchangeIOException.class)
                .hasCauseInstanceOf(TokenExchangeException.class)
                .hasMessageContaining("invalid_grant")
                .hasMessageNotContaining("subject-alice")
                .satisfies(e -> assertThat(((TokenExchangeIOException) e).exchangeException().error())
                        .isEqualTo("invalid_grant"));
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void missingSubjectTokenFailsTheCallAndNothingIsSent() {
        Request untagged = new Request.Builder().url(backend.url("/graphql")).build();

        assertThatThrownBy(() -> execute(backendClient(), untagged))
                .isInstanceOf(MissingSubjectTokenException.class)
                .hasMessageContaining("no subject token");
        assertThat(backend.getRequestCount()).isZero();
        assertThat(tokenEndpoint.exchanges()).isZero();
    }

    @Test
    void incomingTokenInAnotherHeaderIsNeverForwarded() {
        Request request = get(backend, "/graphql", user("alice")).header("X-Forwarded-Token", "subject-alice").build();

        assertThatThrownBy(() -> execute(backendClient(), request))
                .isInstanceOf(TokenInjectionException.class)
                .hasMessageContaining("X-Forwarded-Token")
                .hasMessageNotContaining("subject-alice");
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void nonBearerTokenIsNeverSentAsBearer() {
        tokenEndpoint.mode(FakeTokenEndpoint.Mode.NOT_BEARER);
        OkHttpClient client = defaultClient(interceptor(r -> r.audience("backend").requestedTokenType(TokenType.JWT)));

        assertThatThrownBy(() -> execute(client, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(TokenExchangeIOException.class)
                .hasMessageNotContaining("exchanged-alice");
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void httpRouteWithoutOptInIsRefusedAndNothingIsSent() {
        TokenExchangeInterceptor.Builder builder = TokenExchangeInterceptor.builder(exchanger)
                .route(backend.url("/graphql").toString(), r -> r.audience("backend"));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("http");
        assertThat(backend.getRequestCount()).isZero();
        assertThat(tokenEndpoint.exchanges()).isZero();
    }

    @Test
    void threadBoundSourceSuppliesTheToken() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = defaultClient(interceptor(r -> r.audience("backend"))
                .subjectTokenSource(SubjectTokenSource.threadBound()));

        try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(user("carol"))) {
            execute(client, new Request.Builder().url(backend.url("/graphql")).build());
        }

        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-carol-1");
    }

    @Test
    void requestTagTakesPrecedenceOverTheSource() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = defaultClient(interceptor(r -> r.audience("backend"))
                .subjectTokenSource(SubjectTokenSource.threadBound()));

        try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(user("carol"))) {
            execute(client, get(backend, "/graphql", user("dave")).build());
        }

        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-dave-1");
    }

    @Test
    void rawSubjectTokenTagIsExchanged() throws Exception {
        backend.enqueue(ok());

        execute(backendClient(), new Request.Builder().url(backend.url("/graphql"))
                .tag(SubjectToken.class, SubjectToken.of("subject-erin", TokenType.ACCESS_TOKEN)).build());

        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-erin-1");
    }

    @Test
    void refusesToRunAsANetworkInterceptor() {
        backend.enqueue(ok());
        OkHttpClient client = new OkHttpClient.Builder()
                .addNetworkInterceptor(interceptor(r -> r.audience("backend")).build()).build();

        assertThatThrownBy(() -> execute(client, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(TokenInjectionException.class).hasMessageContaining("addInterceptor");
        assertThat(tokenEndpoint.exchanges()).isZero();
    }

    @Test
    void routedResponsesAreNeverServedFromTheHttpCacheToAnotherUser(@TempDir Path dir) throws Exception {
        backend.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String auth = String.valueOf(request.getHeaders().get("Authorization"));
                return new MockResponse.Builder().code(200).setHeader("Cache-Control", "public, max-age=600")
                        .body(auth.substring(auth.lastIndexOf(' ') + 1)).build();
            }
        });
        OkHttpClient client = backendClient().newBuilder().cache(new Cache(dir.toFile(), 1024 * 1024)).build();

        try (Response alice = client.newCall(get(backend, "/graphql", user("alice")).build()).execute()) {
            assertThat(alice.body().string()).isEqualTo("exchanged-alice-1");
        }
        try (Response bob = client.newCall(get(backend, "/graphql", user("bob")).build()).execute()) {
            assertThat(bob.body().string()).isEqualTo("exchanged-bob-2");
        }
        assertThat(backend.getRequestCount()).isEqualTo(2);
    }

    @Test
    void asynchronousCallReportsAnExchangeFailureToOnFailure() throws Exception {
        tokenEndpoint.mode(FakeTokenEndpoint.Mode.INVALID_GRANT);
        AtomicReference<IOException> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);

        backendClient().newCall(get(backend, "/graphql", user("alice")).build()).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                failure.set(e);
                done.countDown();
            }

            @Override
            public void onResponse(Call call, Response response) {
                response.close();
                done.countDown();
            }
        });

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).isInstanceOf(TokenExchangeIOException.class);
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void routeSendsItsActorToken() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = defaultClient(interceptor(r -> r.audience("backend")
                .actorToken(() -> "actor-mcp-server", TokenType.ACCESS_TOKEN)));

        execute(client, get(backend, "/graphql", user("alice")).build());

        assertThat(tokenEndpoint.requests().get(0)).containsEntry("actor_token", "actor-mcp-server")
                .containsEntry("actor_token_type", "urn:ietf:params:oauth:token-type:access_token");
    }

    @Test
    void failingActorTokenSupplierFailsTheCallAndNothingIsSent() {
        OkHttpClient client = defaultClient(interceptor(r -> r.audience("backend")
                .actorToken(() -> null, TokenType.ACCESS_TOKEN)));

        assertThatThrownBy(() -> execute(client, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(TokenInjectionException.class).hasMessageContaining("actor token");
        assertThat(backend.getRequestCount()).isZero();
        assertThat(tokenEndpoint.exchanges()).isZero();
    }

    /** A cookie jar that keeps every cookie it is given, as a browser-like client would. */
    private static final class MemoryCookieJar implements CookieJar {
        private final List<Cookie> cookies = new CopyOnWriteArrayList<>();

        @Override
        public void saveFromResponse(HttpUrl url, List<Cookie> received) {
            cookies.addAll(received);
        }

        @Override
        public List<Cookie> loadForRequest(HttpUrl url) {
            return cookies.stream().filter(c -> c.matches(url)).toList();
        }
    }

    @Test
    void routedCallsNeverShareCookiesBetweenUsers() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(200).setHeader("Set-Cookie", "session=alice-session; Path=/")
                .body("ok").build());
        backend.enqueue(ok());
        OkHttpClient client = backendClient().newBuilder().cookieJar(new MemoryCookieJar()).build();

        execute(client, get(backend, "/graphql", user("alice")).build());
        execute(client, get(backend, "/graphql", user("bob")).build());

        take(backend);
        RecordedRequest bob = take(backend);
        assertThat(bob.getHeaders().get("Cookie")).isNull();
        assertThat(bob.getHeaders().toMultimap().toString()).doesNotContain("alice-session");
    }

    @Test
    void clientAuthenticatorCannotSwapInAnotherCredential() throws Exception {
        backend.enqueue(unauthorized("Bearer error=\"insufficient_scope\""));
        backend.enqueue(ok());
        OkHttpClient client = backendClient().newBuilder()
                .authenticator((route, response) -> response.request().newBuilder()
                        .header("Authorization", "Bearer service-account").build())
                .build();

        Response response = execute(client, get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(401);
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
        assertThat(backend.getRequestCount()).isEqualTo(1);
    }

    @Test
    void customHeaderTokenIsNotKeptInTheResponseChain() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/graphql/v2").build());
        backend.enqueue(ok());
        OkHttpClient client = customHeaderClient();

        Response response = execute(client, get(backend, "/graphql", user("alice")).build());

        take(backend);
        assertThat(take(backend).getHeaders().get(CUSTOM)).isEqualTo("Bearer exchanged-alice-1");
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.priorResponse()).isNotNull();
        for (Response r = response; r != null; r = r.priorResponse()) {
            assertThat(r.toString()).doesNotContain("exchanged-alice");
            assertThat(r.request().toString()).doesNotContain("exchanged-alice");
            assertThat(r.networkResponse()).isNotNull();
            assertThat(r.networkResponse().request().toString()).doesNotContain("exchanged-alice");
            assertThat(r.networkResponse().request().header(CUSTOM)).isNull();
        }
    }

    @Test
    void sameOriginRedirectOutsideTheRouteDropsTheCustomHeader() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/admin").build());
        backend.enqueue(ok());

        Response response = execute(customHeaderClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(take(backend).getHeaders().get(CUSTOM)).isEqualTo("Bearer exchanged-alice-1");
        RecordedRequest admin = take(backend);
        assertThat(admin.getUrl().encodedPath()).isEqualTo("/admin");
        assertThat(admin.getHeaders().get(CUSTOM)).isNull();
        assertThat(admin.getHeaders().toMultimap().toString()).doesNotContain("exchanged-alice");
    }

    @Test
    void duplexBodyIsNotRetried() throws Exception {
        try (MockWebServer h2 = new MockWebServer()) {
            h2.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
            h2.start();
            h2.enqueue(unauthorized("Bearer error=\"invalid_token\""));
            h2.enqueue(ok());
            RequestBody duplex = new RequestBody() {
                @Override
                public MediaType contentType() {
                    return MediaType.get("application/json");
                }

                @Override
                public void writeTo(BufferedSink sink) throws IOException {
                    sink.writeUtf8("{\"query\":\"{ countries { code } }\"}");
                    sink.close();
                }

                @Override
                public boolean isDuplex() {
                    return true;
                }
            };
            OkHttpClient client = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                    .addInterceptor(TokenExchangeInterceptor.builder(exchanger)
                            .route(h2.url("/graphql").toString(), r -> r.audience("backend"))
                            .allowHttpOnLoopback().build())
                    .build();

            Response response = execute(client, new Request.Builder().url(h2.url("/graphql"))
                    .tag(ValidatedToken.class, user("alice")).post(duplex).build());

            assertThat(response.code()).isEqualTo(401);
            assertThat(h2.getRequestCount()).isEqualTo(1);
            assertThat(tokenEndpoint.exchanges()).isEqualTo(1);
        }
    }

    @Test
    void retriesAfterA401WithoutAnyChallenge() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(401).body("no").build());
        backend.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-2");
    }

    @Test
    void doesNotRetryA401WithOnlyABasicChallenge() throws Exception {
        backend.enqueue(unauthorized("Basic realm=\"backend\""));
        backend.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(401);
        assertThat(backend.getRequestCount()).isEqualTo(1);
        assertThat(tokenEndpoint.exchanges()).isEqualTo(1);
    }

    @Test
    void retriesWhenTheBearerChallengeNextToABasicOneSaysInvalidToken() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Basic realm=\"backend\"")
                .addHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"").body("no").build());
        backend.enqueue(ok());

        Response response = execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(backend.getRequestCount()).isEqualTo(2);
    }

    @Test
    void incomingTokenInTheQueryIsNeverForwarded() {
        Request request = new Request.Builder().url(backend.url("/graphql?access_token=subject-alice"))
                .tag(ValidatedToken.class, user("alice")).build();

        assertThatThrownBy(() -> execute(backendClient(), request))
                .isInstanceOf(TokenInjectionException.class)
                .hasMessageContaining("query")
                .hasMessageNotContaining("subject-alice");
        assertThat(backend.getRequestCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc\r\nX-Evil: 1", "a b", "=="})
    void issuedTokenThatIsNotAnRfc6750B64TokenIsNeverSent(String issued) {
        tokenEndpoint.issuing(issued);

        assertThatThrownBy(() -> execute(backendClient(), get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(TokenExchangeIOException.class).hasMessageContaining("b64token")
                .hasMessageNotContaining(issued);
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void issuedTokenUsingEveryB64TokenCharacterIsSent() throws Exception {
        tokenEndpoint.issuing("eyJh.eyJz.c2ln-_~+/==");
        backend.enqueue(ok());

        execute(backendClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer eyJh.eyJz.c2ln-_~+/==");
    }

    @Test
    void validatedTokenTagTravelsWithAnEnqueuedCall() throws Exception {
        backend.enqueue(ok());

        Response response = enqueue(backendClient().newCall(get(backend, "/graphql", user("alice")).build()))
                .get(10, TimeUnit.SECONDS);

        assertThat(response.code()).isEqualTo(200);
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
    }

    @Test
    void threadBoundSourceSeesNoTokenForAnEnqueuedCall() {
        OkHttpClient client = defaultClient(interceptor(r -> r.audience("backend"))
                .subjectTokenSource(SubjectTokenSource.threadBound()));

        try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(user("carol"))) {
            assertThat(enqueue(client.newCall(new Request.Builder().url(backend.url("/graphql")).build())))
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(MissingSubjectTokenException.class);
        }
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void laterSubjectTokenSourceReplacesTheEarlierOne() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = defaultClient(interceptor(r -> r.audience("backend"))
                .subjectTokenSource(request -> Optional.of(SubjectToken.of("subject-zed", TokenType.ACCESS_TOKEN)))
                .subjectTokenSource(SubjectTokenSource.threadBound()));

        try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(user("carol"))) {
            execute(client, new Request.Builder().url(backend.url("/graphql")).build());
        }

        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-carol-1");
    }
}
