package dev.baton.redis.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Redis commands the shared cache uses, on Lettuce: one multiplexed connection for commands and
 * one for pub/sub, connected in the background from the start, on the store's own thread (a Redis
 * that is down at start-up costs nothing but a probe per interval), reconnected by Lettuce after an outage. Every
 * command has a timeout, fails at once while disconnected instead of queueing, reports to
 * {@link RedisHealth}, and completes on the store's own threads, never on a Redis I/O thread. Values are bytes, keys and channels UTF-8. Not API.
 */
public final class RedisStore implements AutoCloseable {
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** Stores a value, releases the lease if still held by this owner, and tells the waiters. */
    private static final String STORE = "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
            + "if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end "
            + "redis.call('PUBLISH', ARGV[4], ARGV[5]) return 1";
    /** Releases the lease if still held by this owner, and tells the waiters. */
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end "
            + "redis.call('PUBLISH', ARGV[2], ARGV[3]) return 1";
    /** Deletes a value only if it is still exactly the bytes that were read. */
    private static final String DELETE_IF_EQUAL = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) end return 0";

    /**
     * How long connecting may take, and how long a call waits for a connection being made: longer
     * than a command, since Lettuce's first connection in a JVM also loads its classes. A refused
     * connection fails at once; only a Redis that does not answer at all costs this wait, once.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final RedisURI uri;
    private final RedisHealth health;
    private final String channel;
    private final Consumer<String> onFilled;
    private final Object lock = new Object();
    private CompletableFuture<StatefulConnection<String, byte[]>> connection;
    private CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> pubsub;
    private volatile boolean closed;

    /**
     * @param uri the Redis URI (standalone or Sentinel), or a seed node of a cluster
     * @param cluster whether {@code uri} is a node of a Redis Cluster
     * @param timeout every command's timeout
     * @param health where failures and successes are reported
     * @param channel the pub/sub channel of "a value was stored or a lease released" messages
     * @param onFilled receives each such message (a cache key)
     */
    public RedisStore(RedisURI uri, boolean cluster, Duration timeout, RedisHealth health, String channel,
            Consumer<String> onFilled) {
        this.uri = uri;
        this.health = health;
        this.channel = channel;
        this.onFilled = onFilled;
        // Two I/O threads and two for timers and completions; reconnect quickly (a shared cache that
        // is back should be used again within a second).
        this.resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        if (cluster) {
            RedisClusterClient c = RedisClusterClient.create(resources, uri);
            // Lettuce 7 follows topology changes by default (every adaptive refresh trigger: MOVED and
            // ASK redirections, persistent reconnects, uncovered slots, unknown nodes).
            c.setOptions(ClusterClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .requestQueueSize(10_000).build());
            this.client = c;
        } else {
            RedisClient c = RedisClient.create(resources);
            c.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .requestQueueSize(10_000).build());
            this.client = c;
        }
    }

    /** Runs {@code task} after {@code delayNanos}. */
    public void schedule(long delayNanos, Runnable task) {
        if (!closed) {
            resources.eventExecutorGroup().schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        }
    }

    /** Whether this call may use Redis (see {@link RedisHealth#allow()}); subscribes on first use. */
    public boolean usable() {
        if (closed || !health.allow()) {
            return false;
        }
        subscription();
        return true;
    }

    /** {@code GET key}: the value, or {@code null}. */
    public CompletableFuture<byte[]> get(String key) {
        return run(c -> c.get(key).toCompletableFuture());
    }

    /** {@code SET lease owner NX PX millis}: whether this owner now holds the lease. */
    public CompletableFuture<Boolean> lease(String leaseKey, byte[] owner, long millis) {
        return run(c -> c.set(leaseKey, owner, SetArgs.Builder.nx().px(millis)).toCompletableFuture()
                .thenApply("OK"::equals));
    }

    /** Stores {@code value} for {@code millis}, releases this owner's lease and tells the waiters of {@code id}. */
    public CompletableFuture<Void> store(String valueKey, byte[] value, long millis, String leaseKey, byte[] owner,
            String id) {
        return run(c -> c.<Long>eval(STORE, ScriptOutputType.INTEGER, new String[] {valueKey, leaseKey}, value,
                ascii(Long.toString(millis)), owner, ascii(channel), ascii(id)).toCompletableFuture())
                .thenApply(r -> null);
    }

    /** Releases this owner's lease (its exchange failed) and tells the waiters of {@code id}. */
    public CompletableFuture<Void> release(String leaseKey, byte[] owner, String id) {
        return run(c -> c.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {leaseKey}, owner,
                ascii(channel), ascii(id)).toCompletableFuture()).thenApply(r -> null);
    }

    /** Deletes {@code key} only if it still holds exactly {@code expected}. */
    public CompletableFuture<Boolean> deleteIfEqual(String key, byte[] expected) {
        return run(c -> c.<Long>eval(DELETE_IF_EQUAL, ScriptOutputType.INTEGER, new String[] {key}, expected)
                .toCompletableFuture().thenApply(n -> n != null && n > 0));
    }

    /** {@code DEL key}. */
    public CompletableFuture<Void> delete(String key) {
        return run(c -> c.del(key).toCompletableFuture()).thenApply(r -> null);
    }

    private <T> CompletableFuture<T> run(Function<RedisClusterAsyncCommands<String, byte[]>, CompletableFuture<T>> command) {
        CompletableFuture<T> result;
        try {
            result = within(connection(), CONNECT_TIMEOUT).thenCompose(c -> command.apply(commands(c)));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        // Answered on this store's own threads, never on a Redis I/O thread: what follows (decrypting
        // a value, the exchanger's caching and audit, the callers' own continuations) must not hold
        // up the connection's other replies. One hand-off per command, as a hit costs anyway.
        CompletableFuture<T> answer = new CompletableFuture<>();
        result.whenComplete((value, error) -> {
            if (error == null) {
                health.succeeded();
            } else if (!closed) {
                health.failed(error);
            }
            try {
                resources.eventExecutorGroup().execute(() -> complete(answer, value, error));
            } catch (RuntimeException closing) {
                complete(answer, value, error);
            }
        });
        return answer;
    }

    private static <T> void complete(CompletableFuture<T> future, T value, Throwable error) {
        if (error == null) {
            future.complete(value);
        } else {
            future.completeExceptionally(error);
        }
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterAsyncCommands<String, byte[]> commands(StatefulConnection<String, byte[]> c) {
        if (c instanceof StatefulRedisConnection<?, ?> standalone) {
            return ((StatefulRedisConnection<String, byte[]>) standalone).async();
        }
        return ((StatefulRedisClusterConnection<String, byte[]>) c).async();
    }

    /**
     * Completes once this replica listens to the other replicas' messages (or failed to, within the
     * timeout): a replica about to wait for another's message starts listening first.
     */
    public CompletableFuture<?> subscribed() {
        CompletableFuture<?> p;
        synchronized (lock) {
            p = pubsub;
        }
        return p == null ? CompletableFuture.completedFuture(null) : within(p, CONNECT_TIMEOUT);
    }

    /**
     * Starts connecting in the background, so that the first exchanges find Redis ready: Lettuce's
     * first connection loads and initialises its classes and Netty's, which takes seconds in a cold
     * JVM, and never on a caller's thread.
     */
    public void connectInBackground() {
        // A first command too, with a key never stored: it loads the command path's classes.
        connection().thenCompose(c -> commands(c).get(channel + ":warm-up").toCompletableFuture())
                .whenComplete((ignored, e) -> { });
        subscription();
    }

    /**
     * The command connection, connecting (again, after a failed attempt) when needed. Connecting
     * runs on this store's own thread: a caller gets a future at once, which {@link #within} bounds by
     * {@link #CONNECT_TIMEOUT}.
     */
    private CompletableFuture<StatefulConnection<String, byte[]>> connection() {
        CompletableFuture<StatefulConnection<String, byte[]>> target;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the shared token cache is closed"));
            }
            if (connection != null && !connection.isCompletedExceptionally()) {
                return connection;
            }
            target = new CompletableFuture<>();
            connection = target;
        }
        startOnOwnThread(target, () -> client instanceof RedisClusterClient cluster
                ? topology(cluster).thenCompose(ignored -> cluster.connectAsync(CODEC))
                        .thenCompose(RedisStore::withEveryPrimary)
                        .thenApply(c -> (StatefulConnection<String, byte[]>) c)
                : ((RedisClient) client).connectAsync(CODEC, uri).toCompletableFuture()
                        .thenApply(c -> (StatefulConnection<String, byte[]>) c));
        return target;
    }

    /** The pub/sub connection, subscribed to the channel; Lettuce subscribes again after a reconnect. */
    private void subscription() {
        CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> target;
        synchronized (lock) {
            if (closed || (pubsub != null && !pubsub.isCompletedExceptionally())) {
                return;
            }
            target = new CompletableFuture<>();
            pubsub = target;
        }
        startOnOwnThread(target, () -> {
            CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connecting =
                    client instanceof RedisClusterClient cluster
                            ? topology(cluster).thenCompose(ignored -> cluster.connectPubSubAsync(CODEC))
                                    .thenApply(c -> (StatefulRedisPubSubConnection<String, byte[]>) c)
                            : ((RedisClient) client).connectPubSubAsync(CODEC, uri).toCompletableFuture();
            return connecting.thenCompose(c -> {
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String from, byte[] message) {
                        if (channel.equals(from) && message != null) {
                            onFilled.accept(new String(message, StandardCharsets.US_ASCII));
                        }
                    }
                });
                return c.async().subscribe(channel).toCompletableFuture().thenApply(ignored -> c);
            });
        });
    }

    /**
     * The cluster's topology, read from the seed node before the first connection: Lettuce's
     * asynchronous connect, unlike its blocking one, does not load it ("Partitions not
     * initialized"). Read again for a connection made after a failed attempt.
     */
    private static CompletableFuture<Void> topology(RedisClusterClient cluster) {
        return cluster.refreshPartitionsAsync().toCompletableFuture();
    }

    /**
     * {@code cluster} once it is connected to every primary node too: Lettuce connects to a node on
     * the first command for it, and with commands rejected while disconnected (so that a Redis that
     * is down costs nothing) that first command would fail.
     */
    private static CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> withEveryPrimary(
            StatefulRedisClusterConnection<String, byte[]> cluster) {
        CompletableFuture<?>[] nodes = cluster.getPartitions().stream()
                .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM))
                // By host and port: the connection Lettuce then picks for each of the node's slots.
                .map(n -> cluster.getConnectionAsync(n.getUri().getHost(), n.getUri().getPort()))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(nodes).thenApply(ignored -> cluster);
    }

    private <T> void startOnOwnThread(CompletableFuture<T> target, java.util.function.Supplier<CompletableFuture<T>> connect) {
        try {
            resources.eventExecutorGroup().execute(() -> {
                try {
                    connect.get().whenComplete((c, e) -> {
                        if (e == null) {
                            target.complete(c);
                        } else {
                            target.completeExceptionally(e);
                        }
                    });
                } catch (RuntimeException e) {
                    target.completeExceptionally(e);
                }
            });
        } catch (RuntimeException closing) {
            target.completeExceptionally(closing);
        }
    }

    /** {@code future}, failed with a {@link TimeoutException} when it has not completed within {@code limit}. */
    private <T> CompletableFuture<T> within(CompletableFuture<T> future, Duration limit) {
        if (future.isDone()) {
            return future;
        }
        CompletableFuture<T> bounded = new CompletableFuture<>();
        schedule(limit.toNanos(), () -> bounded.completeExceptionally(new TimeoutException("Redis connection")));
        future.whenComplete((v, e) -> {
            if (e == null) {
                bounded.complete(v);
            } else {
                bounded.completeExceptionally(e);
            }
        });
        return bounded;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Closes the connections and stops Lettuce's threads, waiting at most a few seconds. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Shutting the client down closes its connections.
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
