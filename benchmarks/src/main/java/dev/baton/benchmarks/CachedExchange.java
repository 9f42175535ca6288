package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchanger;
import dev.baton.testkit.TestAuthorizationServer;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The set-up of the cache-hit benchmarks: a loopback token endpoint that answers the first exchange
 * and refuses every later one, an exchanger whose cache holds alice's token, and the request that
 * hits it. {@link #close()} fails the run if any exchange reached the token endpoint after set-up,
 * so a figure can never silently include a network call.
 */
final class CachedExchange implements AutoCloseable {
    final TokenExchanger exchanger;
    final ExchangeRequest request;
    private final MockWebServer server;
    private final TestAuthorizationServer as;
    private final int requestsAfterSetUp;
    private final String benchmark;

    private CachedExchange(MockWebServer server, TestAuthorizationServer as, TokenExchanger exchanger,
            ExchangeRequest request, String benchmark) {
        this.server = server;
        this.as = as;
        this.exchanger = exchanger;
        this.request = request;
        this.requestsAfterSetUp = as.totalRequests();
        this.benchmark = benchmark;
    }

    /** Starts the token endpoint and fills the cache with one exchange reported to {@code audit}. */
    static CachedExchange start(AuditListener audit, String benchmark) throws Exception {
        MockWebServer server = Fixtures.loopbackServer();
        try {
            TestAuthorizationServer as = new TestAuthorizationServer(server);
            AtomicInteger calls = new AtomicInteger();
            as.route("/v1/token", r -> calls.getAndIncrement() == 0
                    ? TestAuthorizationServer.json(Fixtures.tokenResponse(Fixtures.accessToken(as, "backend-alice")
                            .audience(Fixtures.BACKEND).sign()))
                    : TestAuthorizationServer.json(503, "{\"error\":\"temporarily_unavailable\"}"));
            TokenExchanger exchanger = Fixtures.exchanger(as, audit);
            ExchangeRequest request = ExchangeRequest.builder()
                    .subjectToken(Fixtures.validated(Fixtures.accessToken(as, "alice")))
                    .audience(Fixtures.BACKEND)
                    .build();
            try {
                exchanger.exchange(request);
                if (exchanger.cacheStats().loads() != 1 || calls.get() != 1) {
                    throw new IllegalStateException("the first exchange did not fill the cache");
                }
            } catch (Exception | Error e) {
                exchanger.close();
                throw e;
            }
            return new CachedExchange(server, as, exchanger, request, benchmark);
        } catch (Exception | Error e) {
            // A failed set-up must not leave the server's threads behind (the fork would not exit).
            server.close();
            throw e;
        }
    }

    /** Fails if any exchange reached the token endpoint after set-up; stops the server either way. */
    @Override
    public void close() throws Exception {
        try {
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, benchmark);
        } finally {
            exchanger.close();
            server.close();
        }
    }
}

/**
 * The base of the cache-hit benchmarks: a {@link CachedExchange} set up once per trial and checked
 * at its end. Subclasses measure {@code exchanger.exchange(request)} and say which audit listener
 * the exchanger reports to.
 */
abstract class CachedExchangeBenchmark {
    private CachedExchange cached;
    /** The exchanger whose cache holds alice's token. */
    protected TokenExchanger exchanger;
    /** The request that hits that entry. */
    protected ExchangeRequest request;

    /** The audit listener the exchanger reports to. */
    protected abstract AuditListener audit();

    /** Starts the loopback token endpoint and fills the cache with one exchange. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        cached = CachedExchange.start(audit(), getClass().getSimpleName());
        exchanger = cached.exchanger;
        request = cached.request;
    }

    /** Fails the run if any exchange reached the token endpoint during measurement. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        cached.close();
    }
}
