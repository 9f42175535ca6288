package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.testkit.TestAuthorizationServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Issue 11, row 4: throughput of cache-hit exchanges with 1, 2 and 64 threads sharing one
 * {@link TokenExchanger} and one {@link ExchangeRequest} (the hottest possible key: every thread
 * hits the same cache entry). The set-up is {@link ExchangeBenchmark}'s with
 * {@link AuditListener#none()}. JMH reports the total throughput over all threads; the goal is that
 * 2 and 64 threads each reach at least 1.6× the single-thread figure. On a machine with fewer cores
 * than threads the ceiling is the core count (1.6× needs at least two idle cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExchangeScalingBenchmark {
    private MockWebServer server;
    private TestAuthorizationServer as;
    private TokenExchanger exchanger;
    private ExchangeRequest request;
    private int requestsAfterSetUp;

    /** Starts the loopback token endpoint and fills the cache with one exchange. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = Fixtures.loopbackServer();
        as = new TestAuthorizationServer(server);
        AtomicInteger calls = new AtomicInteger();
        as.route("/v1/token", r -> calls.getAndIncrement() == 0
                ? TestAuthorizationServer.json(Fixtures.tokenResponse(Fixtures.accessToken(as, "backend-alice")
                        .audience(Fixtures.BACKEND).sign()))
                : TestAuthorizationServer.json(503, "{\"error\":\"temporarily_unavailable\"}"));
        exchanger = Fixtures.exchanger(as, AuditListener.none());
        request = ExchangeRequest.builder()
                .subjectToken(Fixtures.validated(Fixtures.accessToken(as, "alice")))
                .audience(Fixtures.BACKEND)
                .build();
        exchanger.exchange(request);
        if (exchanger.cacheStats().loads() != 1 || calls.get() != 1) {
            throw new IllegalStateException("the first exchange did not fill the cache");
        }
        requestsAfterSetUp = as.totalRequests();
    }

    /** Fails the run if any exchange reached the token endpoint during measurement. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, "ExchangeScalingBenchmark");
        } finally {
            server.close();
        }
    }

    /** One thread. */
    @Benchmark
    @Threads(1)
    public ExchangedToken hit1Thread() throws Exception {
        return exchanger.exchange(request);
    }

    /** Two threads on the same exchanger and key. */
    @Benchmark
    @Threads(2)
    public ExchangedToken hit2Threads() throws Exception {
        return exchanger.exchange(request);
    }

    /** 64 threads on the same exchanger and key. */
    @Benchmark
    @Threads(64)
    public ExchangedToken hit64Threads() throws Exception {
        return exchanger.exchange(request);
    }
}
