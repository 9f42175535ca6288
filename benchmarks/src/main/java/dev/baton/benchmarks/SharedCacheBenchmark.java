package dev.baton.benchmarks;

import dev.baton.ExchangedToken;
import dev.baton.SharedTokenCache;
import dev.baton.TokenExchanger;
import dev.baton.redis.RedisTokenCache;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
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
 * {@code GET} of the very same key, hence the same value size, on a connection of its own. Goal:
 * {@code sharedHit} at most 1.3× {@code rawGet}. Redis is a real {@code redis-server} on loopback,
 * started for the trial. Any token endpoint call during measurement fails the trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SharedCacheBenchmark {
    private RedisProcess redis;
    private FleetAuthorizationServer as;
    private RedisTokenCache shared;
    private RedisClient raw;
    private StatefulRedisConnection<String, byte[]> connection;
    private SharedTokenCache.Lookup lookup;
    private String key;
    private int callsAfterSetUp;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        redis = RedisProcess.start();
        as = new FleetAuthorizationServer();
        shared = Fleet.sharedCache(redis.uri()).commandTimeout(Duration.ofSeconds(1)).build();
        try (TokenExchanger exchanger = Fleet.exchanger(as.tokenEndpoint(), shared).build()) {
            exchanger.exchange(Fleet.request(1));
        }
        raw = RedisClient.create(redis.uri());
        connection = raw.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        List<String> keys = connection.sync().scan(ScanArgs.Builder.matches("test:*")).getKeys();
        if (keys.size() != 1) {
            throw new IllegalStateException("expected one shared entry, found " + keys.size());
        }
        key = keys.get(0);
        // The lookup the exchanger made: the key inside the braces, the user's token, the local rule.
        String digest = key.substring(key.indexOf('{') + 1, key.indexOf('}'));
        lookup = new SharedTokenCache.Lookup(digest, Fleet.userToken(1), TokenExchanger.DEFAULT_DEADLINE,
                token -> token.expiresAt().minus(TokenExchanger.DEFAULT_CACHE_SKEW));
        if (sharedHit().exchangedHere()) {
            throw new IllegalStateException("the set-up entry is not served from Redis");
        }
        callsAfterSetUp = as.calls();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (as.calls() != callsAfterSetUp) {
                throw new IllegalStateException("a token endpoint call during measurement");
            }
        } finally {
            raw.shutdown();
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
