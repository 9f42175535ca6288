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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * docs/benchmarks.md "Targets": an exchange served from the cache. A first
 * {@link TokenExchanger#exchange} in set-up fills the cache from a loopback token endpoint that
 * answers exactly once; every measured call is a cache hit for the same {@link ExchangeRequest}
 * (a validated RS256 subject token, audience {@code backend}).
 *
 * <p>{@code audit=none} uses {@link AuditListener#none()}; {@code audit=slf4j} uses the default
 * {@link AuditListener#slf4j()} with the {@code slf4j-nop} binding, i.e. logging off: the audit
 * event is still built, the log line is not (INFO is disabled).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExchangeBenchmark {
    /** Which audit listener the exchanger reports to. */
    @Param({"none", "slf4j"})
    public String audit;

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
        exchanger = Fixtures.exchanger(as, "slf4j".equals(audit) ? AuditListener.slf4j() : AuditListener.none());
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
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, "ExchangeBenchmark");
        } finally {
            server.close();
        }
    }

    /** {@code TokenExchanger.exchange(request)} answered from the cache. */
    @Benchmark
    public ExchangedToken cachedExchange() throws Exception {
        return exchanger.exchange(request);
    }
}
