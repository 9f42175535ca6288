package dev.baton.benchmarks;

import dev.baton.TokenExchanger;
import dev.baton.redis.RedisTokenCache;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Token endpoint calls of a fleet (docs/benchmarks.md, issue 12): four replicas, each an exchanger
 * with its own local cache and its own {@link RedisTokenCache}, share one real {@code redis-server};
 * 1,000 users make 20 calls each from 32 threads spread over the replicas. Each invocation starts
 * from an empty Redis and empty local caches. The secondary result {@code tokenEndpointCalls} is the
 * figure: goal exactly 1,000 per invocation (a call that got another user's token, or failed, fails
 * the run). The time is how long the 20,000 calls took.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FleetBenchmark {
    private static final int REPLICAS = 4;
    private static final int USERS = 1000;
    private static final int CALLS_PER_USER = 20;
    private static final int THREADS = 32;

    private RedisProcess redis;
    private FleetAuthorizationServer as;
    private final List<RedisTokenCache> shared = new ArrayList<>();
    private final List<TokenExchanger> replicas = new ArrayList<>();
    private ExecutorService pool;

    /** The token endpoint calls of one invocation, reported as a secondary result. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Calls {
        public int tokenEndpointCalls;
    }

    @Setup(Level.Trial)
    public void startServers() {
        redis = RedisProcess.start();
        as = new FleetAuthorizationServer();
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @Setup(Level.Invocation)
    public void startReplicas() {
        // A fresh fleet and an empty Redis for every invocation.
        redis.restart();
        for (int r = 0; r < REPLICAS; r++) {
            RedisTokenCache cache = Fleet.sharedCache(redis.uri()).build();
            shared.add(cache);
            replicas.add(Fleet.exchanger(as.tokenEndpoint(), cache).build());
        }
    }

    @TearDown(Level.Invocation)
    public void stopReplicas() {
        replicas.forEach(TokenExchanger::close);
        shared.forEach(RedisTokenCache::close);
        replicas.clear();
        shared.clear();
    }

    @TearDown(Level.Trial)
    public void stopServers() {
        pool.shutdownNow();
        as.close();
        redis.close();
    }

    @Benchmark
    public void thousandUsersOnFourReplicas(Calls calls) throws Exception {
        int before = as.calls();
        List<Integer> order = new ArrayList<>(USERS * CALLS_PER_USER);
        for (int c = 0; c < CALLS_PER_USER; c++) {
            for (int u = 0; u < USERS; u++) {
                order.add(u);
            }
        }
        Collections.shuffle(order);
        AtomicInteger wrong = new AtomicInteger();
        List<java.util.concurrent.Future<?>> done = new ArrayList<>(order.size());
        for (int i = 0; i < order.size(); i++) {
            int user = order.get(i);
            TokenExchanger replica = replicas.get(i % REPLICAS);
            done.add(pool.submit(() -> {
                try {
                    if (!replica.exchange(Fleet.request(user)).accessToken()
                            .startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(user)))) {
                        wrong.incrementAndGet();
                    }
                } catch (Exception e) {
                    wrong.incrementAndGet();
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        if (wrong.get() != 0) {
            throw new IllegalStateException(wrong + " calls failed or got another user's token");
        }
        calls.tokenEndpointCalls += as.calls() - before;
    }
}
