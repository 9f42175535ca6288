package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchanger;
import dev.baton.testkit.TestAuthorizationServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

/**
 * Issue 11, row 6: single-flight under load. Each measured shot starts a fresh exchanger (empty
 * cache) against a Jetty token endpoint on loopback, then {@value #THREADS} threads, released
 * together, make {@value #CALLS} exchange calls between them for {@value #USERS} users: thread
 * {@code t}'s {@code i}-th call is for user {@code (i + t) % USERS}, so while one user's first
 * exchange is in flight other threads ask for the same user and must join it. The shot fails the
 * run unless the token endpoint answered exactly {@value #USERS} calls (one per cache key) and
 * every call returned a token. The score is the time per shot; throughput is
 * {@value #CALLS} calls divided by it (ResultsTable prints both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SingleFlightBenchmark {
    /** Threads making calls at once. */
    public static final int THREADS = 64;
    /** Distinct users (cache keys). */
    public static final int USERS = 1_000;
    /** Exchange calls per shot, all threads together. */
    public static final int CALLS = 100_000;

    private MockWebServer keys;
    private LoopbackJetty jetty;
    private TokenEndpointServlet endpoint;
    private ExchangeRequest[] requests;
    private ExecutorService pool;
    private TokenExchanger exchanger;
    private long callsBefore;

    /** Starts the Jetty token endpoint, signs one subject token per user and starts the threads. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        keys = Fixtures.loopbackServer();
        TestAuthorizationServer as = new TestAuthorizationServer(keys);
        endpoint = new TokenEndpointServlet();
        jetty = LoopbackJetty.start("/token", endpoint, null);
        requests = new ExchangeRequest[USERS];
        for (int u = 0; u < USERS; u++) {
            requests[u] = ExchangeRequest.builder()
                    .subjectToken(Fixtures.validated(Fixtures.accessToken(as, "user-" + u)))
                    .audience(Fixtures.BACKEND)
                    .build();
        }
        pool = Executors.newFixedThreadPool(THREADS);
    }

    /** A fresh exchanger, so every shot starts with an empty cache. */
    @Setup(Level.Invocation)
    public void newExchanger() {
        exchanger = TokenExchanger.builder()
                .tokenEndpoint(jetty.uri("/token"))
                .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "benchmark-secret"))
                .auditListener(AuditListener.none())
                .build();
        callsBefore = endpoint.calls();
    }

    /** Fails the run unless the shot made exactly one token endpoint call per user. */
    @TearDown(Level.Invocation)
    public void checkOneCallPerUser() {
        exchanger.close();
        long made = endpoint.calls() - callsBefore;
        if (made != USERS) {
            throw new IllegalStateException("single-flight broken: " + made + " token endpoint calls for " + USERS
                    + " users");
        }
    }

    /** Stops the threads and the servers. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        pool.shutdownNow();
        try {
            jetty.close();
        } finally {
            keys.close();
        }
    }

    /** {@value #CALLS} calls from {@value #THREADS} threads for {@value #USERS} users, from an empty cache. */
    @Benchmark
    public int shot() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>(THREADS);
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            int calls = CALLS / THREADS + (t < CALLS % THREADS ? 1 : 0);
            done.add(pool.submit(() -> {
                go.await();
                int tokens = 0;
                for (int i = 0; i < calls; i++) {
                    tokens += exchanger.exchange(requests[(i + thread) % USERS]).accessToken().length();
                }
                return tokens;
            }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> f : done) {
            total += f.get(5, TimeUnit.MINUTES);
        }
        // Every issued token has 16 characters: anything else means a call came back without one.
        if (total != CALLS * 16) {
            throw new IllegalStateException("some calls returned no token");
        }
        return total;
    }
}
