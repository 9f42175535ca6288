package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis faults never fail a call that could succeed: killed, restarted, frozen ({@code SIGSTOP})
 * beyond the command timeout, or returning a corrupted value, every exchange still succeeds within
 * its deadline, token endpoint calls stay bounded, and the cache uses Redis again by itself once it
 * answers.
 */
class FaultTest {
    private static final Duration TIMEOUT = Duration.ofMillis(150);

    /** Users no other step of a test uses: each probe after an outage exchanges for a new one. */
    private final java.util.concurrent.atomic.AtomicInteger freshUser = new java.util.concurrent.atomic.AtomicInteger(10_000);
    private RedisProcess redis;
    private FleetAuthorizationServer as;
    private RedisTokenCache shared;
    private TokenExchanger exchanger;

    @BeforeEach
    void start() {
        redis = RedisProcess.start();
        as = new FleetAuthorizationServer();
        shared = Fleet.sharedCache(redis.uri()).commandTimeout(TIMEOUT).leaseTime(Duration.ofMillis(500)).build();
        exchanger = Fleet.exchanger(as.tokenEndpoint(), shared).build();
    }

    @AfterEach
    void stop() {
        exchanger.close();
        shared.close();
        as.close();
        redis.close();
    }

    /** Exchanges for users {@code from} to {@code to - 1} at once; every call must succeed with its own token. */
    private void everyCallSucceeds(int from, int to) {
        List<CompletableFuture<ExchangedToken>> calls = new ArrayList<>();
        for (int u = from; u < to; u++) {
            calls.add(exchanger.exchangeAsync(Fleet.request(u)));
        }
        for (int i = 0; i < calls.size(); i++) {
            // No caller waits past the deadline (5 s) plus the exchange itself.
            ExchangedToken token = calls.get(i).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(token.accessToken()).startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(from + i)));
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(end);
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    @Test
    void redisKilledMidRunFailsNoCallAndCostsOneExchangePerMissingUser() {
        everyCallSucceeds(0, 50);
        redis.kill();

        everyCallSucceeds(0, 100);

        // 50 users exchanged before, 50 new ones without Redis; the first 50 still come from the local cache.
        assertThat(as.calls()).isEqualTo(100);
    }

    @Test
    void aRestartedRedisIsUsedAgainWithoutIntervention() throws Exception {
        everyCallSucceeds(0, 10);
        redis.kill();
        everyCallSucceeds(10, 20);
        assertThat(shared.isDegraded()).isTrue();

        redis.restart();
        // Probes (one per second) bring it back as soon as it answers.
        waitFor(() -> {
            int user = freshUser.getAndIncrement();
            everyCallSucceeds(user, user + 1);
            return !shared.isDegraded();
        });

        try (RedisTokenCache otherShared = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger other = Fleet.exchanger(as.tokenEndpoint(), otherShared).build()) {
            ExchangedToken stored = exchanger.exchange(Fleet.request(30));
            int calls = as.calls();
            assertThat(other.exchange(Fleet.request(30)).accessToken()).isEqualTo(stored.accessToken());
            assertThat(as.calls()).isEqualTo(calls);
        }
    }

    @Test
    void aFrozenRedisFailsNoCallAndEachWaitsAtMostAboutTheCommandTimeout() throws Exception {
        everyCallSucceeds(0, 10);
        redis.pause();
        try {
            long start = System.nanoTime();
            everyCallSucceeds(10, 60);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(as.calls()).isEqualTo(60);
            // Not one command timeout per call: after the first failures Redis is skipped.
            assertThat(tookMillis).isLessThan(5_000);
            assertThat(shared.isDegraded()).isTrue();
        } finally {
            redis.resume();
        }
        waitFor(() -> {
            int user = freshUser.getAndIncrement();
            everyCallSucceeds(user, user + 1);
            return !shared.isDegraded();
        });
    }

    @Test
    void aCorruptedValueIsAMissThenDeletedAndReplaced() throws Exception {
        ExchangedToken first = exchanger.exchange(Fleet.request(7));
        RedisClient raw = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, byte[]> c = raw.connect(RedisCodec.of(StringCodec.UTF8,
                ByteArrayCodec.INSTANCE))) {
            String key = c.sync().scan(ScanArgs.Builder.matches("test:*")).getKeys().get(0);
            c.sync().set(key, "garbage that is not a sealed value".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

            try (RedisTokenCache otherShared = Fleet.sharedCache(redis.uri()).build();
                    TokenExchanger other = Fleet.exchanger(as.tokenEndpoint(), otherShared).build()) {
                ExchangedToken fromOther = other.exchange(Fleet.request(7));

                assertThat(fromOther.accessToken()).isNotEqualTo(first.accessToken())
                        .startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(7)));
                assertThat(as.calls()).isEqualTo(2);
                waitFor(() -> {
                    byte[] now = c.sync().get(key);
                    return now != null && !new String(now, java.nio.charset.StandardCharsets.ISO_8859_1)
                            .startsWith("garbage");
                });
            }
        } finally {
            raw.shutdown();
        }
    }
}
