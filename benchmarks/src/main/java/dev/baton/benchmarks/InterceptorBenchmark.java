package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import dev.baton.okhttp.TokenExchangeInterceptor;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * docs/benchmarks.md "Targets": the OkHttp interceptor's whole overhead on a cache hit. A
 * request to a routed backend, tagged with the caller's {@link ValidatedToken}, goes through
 * {@link TokenExchangeInterceptor#intercept} on a {@link CannedChain} whose {@code proceed} returns
 * a canned 200 without I/O ({@link #withInterceptor}); {@link #withoutInterceptor} sends the same
 * request straight to the same chain. The difference is the interceptor's cost: route lookup,
 * subject token, exchange key and cache hit, the new request with its {@code Authorization} header,
 * the forwarding checks, and the audit event ({@link AuditListener#none()}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InterceptorBenchmark {
    private static final String BACKEND_URL = "http://127.0.0.1:9/graphql";

    private MockWebServer server;
    private TestAuthorizationServer as;
    private TokenExchangeInterceptor interceptor;
    private CannedChain chain;
    private int requestsAfterSetUp;

    /** Fills the exchanger's cache through the interceptor once, then checks the header it set. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = Fixtures.loopbackServer();
        try {
            fill();
        } catch (Exception | Error e) {
            // A failed set-up must not leave the server's threads behind (the fork would not exit).
            server.close();
            throw e;
        }
    }

    private void fill() throws Exception {
        as = new TestAuthorizationServer(server);
        String exchanged = Fixtures.accessToken(as, "backend-alice").audience(Fixtures.BACKEND).sign();
        AtomicInteger calls = new AtomicInteger();
        as.route("/v1/token", r -> calls.getAndIncrement() == 0
                ? TestAuthorizationServer.json(Fixtures.tokenResponse(exchanged))
                : TestAuthorizationServer.json(503, "{\"error\":\"temporarily_unavailable\"}"));
        TokenExchanger exchanger = Fixtures.exchanger(as, AuditListener.none());
        interceptor = TokenExchangeInterceptor.builder(exchanger)
                .route(BACKEND_URL, r -> r.audience(Fixtures.BACKEND))
                .allowHttpOnLoopback()
                .build();
        ValidatedToken subject = Fixtures.validated(Fixtures.accessToken(as, "alice"));
        Request request = new Request.Builder().url(BACKEND_URL + "/query").tag(ValidatedToken.class, subject)
                .build();
        Response canned = new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(200)
                .message("OK").body(ResponseBody.create("{}", null)).build();
        chain = new CannedChain(request, canned);

        // The route's own exchange request for this subject: filling the cache here means the
        // interceptor's first call is already a hit (a miss would wait on chain.call(), which the
        // canned chain refuses, so a key mismatch fails the set-up instead of measuring a miss).
        exchanger.exchange(ExchangeRequest.builder().subjectToken(subject).audience(Fixtures.BACKEND).build());
        interceptor.intercept(chain);
        if (calls.get() != 1 || exchanger.cacheStats().hits() != 1
                || !("Bearer " + exchanged).equals(chain.lastSent().header("Authorization"))) {
            throw new IllegalStateException("the interceptor did not send the cached exchanged token");
        }
        requestsAfterSetUp = as.totalRequests();
    }

    /** Fails the run if any exchange reached the token endpoint during measurement. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, "InterceptorBenchmark");
        } finally {
            server.close();
        }
    }

    /** The chain through {@link TokenExchangeInterceptor#intercept}, exchange served from the cache. */
    @Benchmark
    public Response withInterceptor() throws IOException {
        return interceptor.intercept(chain);
    }

    /** The same chain without the interceptor: the baseline to subtract. */
    @Benchmark
    public Response withoutInterceptor() throws IOException {
        return chain.proceed(chain.request());
    }
}
