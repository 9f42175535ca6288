package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisCluster;
import dev.baton.redis.testkit.RedisProcess;
import dev.baton.redis.testkit.SharingCheck;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fleet on a Redis Cluster of three masters: keys spread over the nodes, the lease and store
 * scripts work on each entry's node (value and lease share a hash tag), and the "done" messages
 * reach replicas subscribed on other nodes.
 */
class ClusterTest {
    private static RedisCluster cluster;
    private static FleetAuthorizationServer as;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        as = new FleetAuthorizationServer();
    }

    @AfterAll
    static void stop() {
        if (as != null) {
            as.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void replicasOnAClusterMakeOneTokenEndpointCallPerUser() throws Exception {
        int before = as.calls();
        try (RedisTokenCache sharedA = Fleet.sharedCache(cluster.seedUri()).cluster().build();
                RedisTokenCache sharedB = Fleet.sharedCache(cluster.seedUri()).cluster().build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build()) {
            int wrong = SharingCheck.wrongOrFailed(a, b, 0, 60);

            assertThat(wrong).isZero();
            assertThat(as.calls() - before).as(as::describe).isEqualTo(60);
            assertThat(sharedA.isDegraded()).isFalse();
        }
    }

    @Test
    void entriesAreSpreadOverEveryNode() throws Exception {
        try (RedisTokenCache shared = Fleet.sharedCache(cluster.seedUri()).cluster().build();
                TokenExchanger exchanger = Fleet.exchanger(as.tokenEndpoint(), shared).build()) {
            for (int u = 100; u < 130; u++) {
                exchanger.exchange(Fleet.request(u));
            }

            for (RedisProcess node : cluster.nodes()) {
                assertThat(valueKeysOn(node)).as("keys on node " + node.port()).isPositive();
            }
        }
    }

    @Test
    void toStringSaysCluster() {
        try (RedisTokenCache shared = Fleet.sharedCache("redis://127.0.0.1:1").cluster().build()) {
            assertThat(shared.toString()).startsWith("RedisTokenCache[cluster redis://127.0.0.1:1,");
        }
    }

    private static long valueKeysOn(RedisProcess node) {
        RedisClient client = RedisClient.create(node.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().keys("test:{*}").size();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
