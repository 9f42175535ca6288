package dev.baton.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The backends, the token endpoint and the client helpers the interceptor's end-to-end tests share. */
abstract class InterceptorTestSupport {
    static final String CUSTOM = "X-Backend-Token";

    @StartStop
    final MockWebServer backend = new MockWebServer();
    @StartStop
    final MockWebServer elsewhere = new MockWebServer();
    @StartStop
    final MockWebServer idp = new MockWebServer();

    final FakeTokenEndpoint tokenEndpoint = new FakeTokenEndpoint();
    TokenExchanger exchanger;
    final List<Response> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        idp.setDispatcher(tokenEndpoint);
        exchanger = TokenExchanger.builder()
                .tokenEndpoint(idp.url("/oauth2/backend/v1/token").toString())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "client-secret"))
                .auditListener(AuditListener.none())
                .build();
    }

    @AfterEach
    void closeResponses() {
        opened.forEach(Response::close);
    }

    static ValidatedToken user(String name) {
        return ValidatedToken.of("subject-" + name,
                Map.of("sub", name, "iss", "https://idp.example.com/oauth2/mcp", "aud", "mcpserver",
                        "exp", Instant.now().plusSeconds(3600)));
    }

    TokenExchangeInterceptor.Builder interceptor(Consumer<RouteBuilder> route) {
        return TokenExchangeInterceptor.builder(exchanger)
                .route(backend.url("/graphql").toString(), route)
                .allowHttpOnLoopback();
    }

    static OkHttpClient client(TokenExchangeInterceptor interceptor) {
        return new OkHttpClient.Builder().addInterceptor(interceptor).build();
    }

    static OkHttpClient installedClient(TokenExchangeInterceptor.Builder interceptor) {
        return interceptor.installOn(new OkHttpClient.Builder()).build();
    }

    OkHttpClient customHeaderClient() {
        return installedClient(interceptor(r -> r.audience("backend").customHeader(CUSTOM)));
    }

    static OkHttpClient defaultClient(TokenExchangeInterceptor.Builder b) {
        return client(b.build());
    }

    OkHttpClient backendClient() {
        return defaultClient(interceptor(r -> r.audience("backend").scopes("backend-api:read")));
    }

    Response execute(OkHttpClient client, Request request) throws IOException {
        Response response = client.newCall(request).execute();
        opened.add(response);
        return response;
    }

    Request.Builder get(MockWebServer server, String path, ValidatedToken user) {
        return new Request.Builder().url(server.url(path)).tag(ValidatedToken.class, user);
    }

    static MockResponse ok() {
        return new MockResponse.Builder().code(200).body("ok").build();
    }

    static MockResponse unauthorized(String challenge) {
        return new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", challenge).body("no").build();
    }

    static RecordedRequest take(MockWebServer server) throws InterruptedException {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r).as("request reached " + server).isNotNull();
        return r;
    }

    /** Enqueues {@code call}: the future completes with its (closed) response, or fails with its IOException. */
    static CompletableFuture<Response> enqueue(Call call) {
        CompletableFuture<Response> outcome = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                outcome.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call c, Response response) {
                response.close();
                outcome.complete(response);
            }
        });
        return outcome;
    }

    /**
     * Enqueues {@code call}; on the callback thread a failure is first handed to {@code onFailure},
     * and {@code ended} counts down once the call has failed or its response has been closed.
     */
    static void enqueue(Call call, Consumer<IOException> onFailure, CountDownLatch ended) {
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                onFailure.accept(e);
                ended.countDown();
            }

            @Override
            public void onResponse(Call c, Response response) {
                response.close();
                ended.countDown();
            }
        });
    }
}
