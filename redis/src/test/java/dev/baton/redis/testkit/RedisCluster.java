package dev.baton.redis.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of three master nodes ({@code cluster-enabled}), real processes on loopback: each
 * node gets a third of the 16,384 hash slots ({@code CLUSTER ADDSLOTS}) and meets the others
 * ({@code CLUSTER MEET}); {@link #start()} returns once every node reports {@code cluster_state:ok}.
 * No replicas. {@link #close()} stops every node.
 */
public final class RedisCluster implements AutoCloseable {
    private static final int SLOTS = 16_384;

    private final List<RedisProcess> nodes;
    private final Path dir;

    private RedisCluster(List<RedisProcess> nodes, Path dir) {
        this.nodes = nodes;
        this.dir = dir;
    }

    /** Starts three nodes and forms the cluster, within a deadline of 20 s. */
    public static RedisCluster start() {
        List<RedisProcess> nodes = new ArrayList<>();
        Path dir;
        try {
            dir = Files.createTempDirectory("baton-redis-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisCluster cluster = new RedisCluster(nodes, dir);
        try {
            for (int i = 0; i < 3; i++) {
                int port = RedisProcess.freeClusterPort();
                nodes.add(RedisProcess.start(port, List.of("--cluster-enabled", "yes", "--cluster-config-file",
                        dir.resolve("nodes-" + port + ".conf").toString(), "--cluster-node-timeout", "5000",
                        "--dir", dir.toString())));
            }
            RedisClient client = RedisClient.create();
            try {
                for (int i = 0; i < nodes.size(); i++) {
                    try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(nodes.get(i).uri()))) {
                        int from = i * SLOTS / nodes.size();
                        int to = (i + 1) * SLOTS / nodes.size();
                        c.sync().clusterAddSlots(IntStream.range(from, to).toArray());
                        if (i > 0) {
                            c.sync().clusterMeet("127.0.0.1", nodes.get(0).port());
                        }
                    }
                }
                cluster.awaitFormed(client);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void awaitFormed(RedisClient client) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (RedisProcess node : nodes) {
            try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(node.uri()))) {
                RedisCommands<String, String> sync = c.sync();
                while (!formed(sync.clusterInfo())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the cluster did not form within 20 s: " + sync.clusterInfo());
                    }
                    // Gossip runs every 100 ms; a node's view changes with a later round.
                    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                }
            }
        }
    }

    private boolean formed(String info) {
        return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + nodes.size())
                && info.contains("cluster_slots_ok:" + SLOTS);
    }

    /** The nodes, for a test that reads a key where it lives. */
    public List<RedisProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** A seed node's URI: a cluster client discovers the others from it. */
    public String seedUri() {
        return nodes.get(0).uri();
    }

    @Override
    public void close() {
        for (RedisProcess node : nodes) {
            node.close();
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A temporary directory left behind is harmless.
        }
    }
}
