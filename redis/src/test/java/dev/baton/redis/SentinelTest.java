package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisSentinel;
import dev.baton.redis.testkit.SharingCheck;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A fleet whose replicas find the Redis master through Sentinel (a {@code redis-sentinel://} URI). */
class SentinelTest {
    @Test
    void replicasFindingTheMasterThroughSentinelMakeOneTokenEndpointCallPerUser() throws Exception {
        try (RedisSentinel redis = RedisSentinel.start();
                FleetAuthorizationServer as = new FleetAuthorizationServer();
                RedisTokenCache sharedA = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build()) {
            int wrong = SharingCheck.wrongOrFailed(a, b, 0, 20);

            assertThat(wrong).isZero();
            assertThat(as.calls()).as(as::describe).isEqualTo(20);
            assertThat(sharedA.isDegraded()).isFalse();
            assertThat(valueKeysOnTheMaster(redis)).isEqualTo(20);
        }
    }

    @Test
    void toStringNamesTheSentinelsAndTheMaster() {
        try (RedisTokenCache shared = Fleet.sharedCache("redis-sentinel://127.0.0.1:1,127.0.0.1:2#baton-master").build()) {
            assertThat(shared.toString()).startsWith("RedisTokenCache[sentinel baton-master@127.0.0.1:1,127.0.0.1:2,");
        }
    }

    private static long valueKeysOnTheMaster(RedisSentinel redis) {
        RedisClient client = RedisClient.create(redis.masterUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().keys("test:{*}").size();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
