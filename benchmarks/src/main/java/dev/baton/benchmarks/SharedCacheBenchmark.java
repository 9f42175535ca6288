package dev.baton.benchmarks;

import dev.baton.ExchangedToken;
import dev.baton.SharedTokenCache;
import dev.baton.TokenExchanger;
import dev.baton.redis.RedisTokenCache;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * The shared cache's hit path against its floor (docs/benchmarks.md, issue 12): {@code sharedHit}
 * is one {@link RedisTokenCache#load} answered from Redis (GET, HKDF-SHA256, AES-256-GCM open,
 * decode, expiry checks, the hand-off off the I/O thread); {@code rawGet} is a raw Lettuce
 * {@code GET} of the very same key, hence the same value size, in the same style (asynchronous
 * command, the caller waiting on its future) on the same kind of connection: a client configured as
 * the cache configures its own (two I/O and two computation threads, the same command timeout,
 * commands rejected while disconnected). Goal: {@code sharedHit} at most 1.3× {@code rawGet}. Redis
 * is a real {@code redis-server} on loopback, started for the trial. Any token endpoint call during
 * measurement fails the trial. {@link SharedCacheCpu} measures the same two by CPU time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SharedCacheBenchmark {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private RedisProcess redis;
    private FleetAuthorizationServer as;
    RedisTokenCache shared;
    ClientResources rawResources;
    private RedisClient raw;
    StatefulRedisConnection<String, byte[]> connection;
    SharedTokenCache.Lookup lookup;
    String key;
    private int callsAfterSetUp;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        redis = RedisProcess.start();
        as = new FleetAuthorizationServer();
        shared = Fleet.sharedCache(redis.uri()).commandTimeout(COMMAND_TIMEOUT).build();
        rawResources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        raw = RedisClient.create(rawResources);
        raw.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        connection = raw.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), RedisURI.create(redis.uri()));
        key = storedEntry();
        // The lookup the exchanger made: the key inside the braces, the user's token, the local rule.
        String digest = key.substring(key.indexOf('{') + 1, key.indexOf('}'));
        lookup = new SharedTokenCache.Lookup(digest, Fleet.userToken(1), TokenExchanger.DEFAULT_DEADLINE,
                token -> token.expiresAt().minus(TokenExchanger.DEFAULT_CACHE_SKEW));
        if (sharedHit().exchangedHere()) {
            throw new IllegalStateException("the set-up entry is not served from Redis");
        }
        callsAfterSetUp = as.calls();
    }

    /**
     * The key of user 1's shared entry. The cache connects in the background; an exchange made
     * before it answers is not stored, so the set-up exchanges (each time with an empty local
     * cache) until the entry is there, within 30 s.
     */
    private String storedEntry() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (TokenExchanger exchanger = Fleet.exchanger(as.tokenEndpoint(), shared).build()) {
                exchanger.exchange(Fleet.request(1));
            } catch (Exception e) {
                throw new IllegalStateException("the set-up exchange failed", e);
            }
            List<String> keys = connection.sync().scan(ScanArgs.Builder.matches("test:*")).getKeys();
            if (keys.size() == 1) {
                return keys.get(0);
            }
            if (keys.size() > 1 || System.nanoTime() > deadline) {
                throw new IllegalStateException("expected one shared entry, found " + keys.size());
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (as.calls() != callsAfterSetUp) {
                throw new IllegalStateException("a token endpoint call during measurement");
            }
        } finally {
            raw.shutdown();
            rawResources.shutdown();
            shared.close();
            as.close();
            redis.close();
        }
    }

    @Benchmark
    public SharedTokenCache.Loaded sharedHit() {
        return shared.load(lookup, SharedCacheBenchmark::noExchange).join();
    }

    @Benchmark
    public byte[] rawGet() {
        return connection.async().get(key).toCompletableFuture().join();
    }

    private static CompletableFuture<ExchangedToken> noExchange() {
        return CompletableFuture.failedFuture(new IllegalStateException("the benchmark's entry was not in Redis"));
    }
}
