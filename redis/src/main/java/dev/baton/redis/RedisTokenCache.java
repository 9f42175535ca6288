package dev.baton.redis;

import static dev.baton.internal.Checks.requireArgument;
import static dev.baton.internal.Checks.requireState;

import dev.baton.ExchangedToken;
import dev.baton.SharedTokenCache;
import dev.baton.redis.internal.FilledSignals;
import dev.baton.redis.internal.FleetLoads;
import dev.baton.redis.internal.RedisHealth;
import dev.baton.redis.internal.RedisStore;
import dev.baton.redis.internal.ValueSealer;
import io.lettuce.core.RedisURI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The shared, encrypted second-level cache of exchanged tokens for a fleet of MCP servers, on Redis
 * 6.2+ or Valkey 7+ (standalone, Sentinel or Cluster) through Lettuce. Give it to every replica's
 * exchanger; across the fleet each user's token is then exchanged once, not once per replica.
 *
 * <pre>{@code
 * RedisTokenCache shared = RedisTokenCache.builder()
 *     .uri("rediss://baton:" + password + "@redis.internal:6379")
 *     .secret(deploymentSecret)                       // 32+ random bytes, the same on every replica
 *     .build();
 * TokenExchanger exchanger = TokenExchanger.builder()
 *     .tokenEndpoint("https://idp.example.com/oauth2/backend/v1/token")
 *     .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", secret))
 *     .sharedCache(shared)
 *     .build();
 * // at shutdown: exchanger.close(); shared.close();
 * }</pre>
 *
 * <p><b>Nothing usable at rest.</b> Keys are SHA-256 digests of the exchange (never a token); values
 * are AES-256-GCM encrypted under a key derived with HKDF-SHA256 from the user's own subject token
 * and the deployment {@linkplain Builder#secret(byte[]) secret}, with the key as authenticated data.
 * Reading Redis without the user's token and the secret yields nothing usable, and one user can
 * never decrypt another's entry. An entry lives (Redis TTL, and an expiry inside the encrypted value
 * checked on every read) no longer than the exchanger's own rule: the earlier of the exchanged and
 * the subject token's expiry, minus the cache skew.
 *
 * <p><b>One exchange per key across the fleet.</b> On a shared miss one replica takes a short
 * {@linkplain Builder#leaseTime(Duration) lease} and exchanges; the others wait for its pub/sub
 * message (bounded by the lease) and read its result; if the lease expires first, one of them takes
 * over. Refresh-ahead is done by one replica too.
 *
 * <p><b>Failures.</b> Redis down, slow (each command times out after the
 * {@linkplain Builder#commandTimeout(Duration) command timeout}) or returning values that do not
 * decrypt never fail an exchange: the exchanger serves from its own cache or calls the token
 * endpoint, logs once per change of state on logger {@code dev.baton.redis}, and uses Redis again
 * once it answers. An unreadable value is a miss and is deleted.
 *
 * <p>Thread-safe. One instance may serve several exchangers (their keys differ by token endpoint
 * and client id). Building connects to Redis in the background (a Redis that is down costs nothing
 * but a probe per second); {@link #close()} it after the exchangers that use it. {@link #toString()} shows the hosts and settings, never a password or the secret.
 */
public final class RedisTokenCache implements SharedTokenCache {
    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "baton:";
    /** Default lease: how long other replicas wait for the replica that exchanges before taking over. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(2);
    /** Default timeout of each Redis command, well under the exchange deadline. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);
    /** The shortest deployment secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

    private final RedisStore store;
    private final FleetLoads loads;
    private final FilledSignals signals;
    private final RedisHealth health;
    private final String description;

    private RedisTokenCache(Builder b) {
        this.health = new RedisHealth(PROBE_INTERVAL_NANOS);
        this.signals = new FilledSignals();
        this.store = new RedisStore(b.uri, b.cluster, b.commandTimeout, health, b.keyPrefix + "filled",
                signals::filled);
        this.loads = new FleetLoads(store, new ValueSealer(b.secret), signals, health, b.keyPrefix, b.leaseTime,
                b.clock);
        // Lettuce's first connection takes seconds in a cold JVM: done now, on the cache's own thread.
        store.connectInBackground();
        this.description = "RedisTokenCache[" + (b.cluster ? "cluster " : "") + hosts(b.uri) + ", prefix="
                + b.keyPrefix + ", lease=" + b.leaseTime + ", timeout=" + b.commandTimeout + "]";
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Completes on one of this cache's own threads (or the thread that completed
     * {@code exchange}), never on a Redis I/O thread.
     */
    @Override
    public CompletableFuture<Loaded> load(Lookup lookup, Supplier<CompletableFuture<ExchangedToken>> exchange) {
        Objects.requireNonNull(lookup, "lookup");
        Objects.requireNonNull(exchange, "exchange");
        return loads.load(lookup, exchange);
    }

    /** {@inheritDoc} */
    @Override
    public CompletableFuture<Loaded> refresh(Lookup lookup, Instant staleAt,
            Supplier<CompletableFuture<ExchangedToken>> exchange) {
        Objects.requireNonNull(lookup, "lookup");
        Objects.requireNonNull(staleAt, "staleAt");
        Objects.requireNonNull(exchange, "exchange");
        return loads.refresh(lookup, staleAt, exchange);
    }

    /** {@inheritDoc} */
    @Override
    public CompletableFuture<Void> invalidate(Lookup lookup, String rejectedAccessToken) {
        Objects.requireNonNull(lookup, "lookup");
        return loads.invalidate(lookup, rejectedAccessToken);
    }

    /**
     * Whether Redis is currently considered unavailable (the exchangers then work without it). For
     * health checks; it changes with the first failed or successful command.
     */
    public boolean isDegraded() {
        return health.isDown();
    }

    /** Closes the Redis connections and stops this cache's threads; waiting replicas stop waiting. Idempotent. */
    @Override
    public void close() {
        store.close();
        signals.wakeAll();
    }

    /** The hosts and settings; never a password or the secret. */
    @Override
    public String toString() {
        return description;
    }

    private static String hosts(RedisURI uri) {
        if (uri.getSentinels() != null && !uri.getSentinels().isEmpty()) {
            StringBuilder b = new StringBuilder("sentinel ").append(uri.getSentinelMasterId()).append('@');
            for (RedisURI s : uri.getSentinels()) {
                b.append(s.getHost()).append(':').append(s.getPort()).append(',');
            }
            return b.substring(0, b.length() - 1);
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
    }

    /**
     * Builds a {@link RedisTokenCache}. Required: {@link #uri(String)} and {@link #secret(byte[])}.
     * Setters throw {@link IllegalArgumentException} for a bad value and replace an earlier one;
     * {@link #build()} throws {@link IllegalStateException} for a missing one.
     */
    public static final class Builder {
        private RedisURI uri;
        private boolean cluster;
        private byte[] secret;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration leaseTime = DEFAULT_LEASE_TIME;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Where Redis is, in Lettuce's URI syntax: {@code redis://host:6379/0},
         * {@code rediss://host:6380} (TLS), {@code redis://user:password@host} (an ACL user),
         * {@code redis-sentinel://password@s1:26379,s2:26379/0#mymaster} (Sentinel). For Cluster, a
         * seed node and {@link #cluster()}. Required. The value is never echoed in a message.
         */
        public Builder uri(String uri) {
            Objects.requireNonNull(uri, "uri");
            try {
                this.uri = RedisURI.create(uri);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("uri is not a Redis URI (redis://, rediss://, redis-sentinel://)");
            }
            return this;
        }

        /** Treats {@link #uri(String)} as a seed node of a Redis Cluster (topology discovered from it). */
        public Builder cluster() {
            this.cluster = true;
            return this;
        }

        /**
         * The deployment secret, the same on every replica: at least {@value #MIN_SECRET_BYTES} random
         * bytes (copied). Together with each user's token it derives the key of that user's entries;
         * without it, a Redis dump is useless even to someone holding a user's token. Changing it turns
         * every entry into a miss. Required.
         */
        public Builder secret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            requireArgument(secret.length >= MIN_SECRET_BYTES,
                    "secret must be at least " + MIN_SECRET_BYTES + " bytes, not " + secret.length);
            this.secret = secret.clone();
            return this;
        }

        /** The {@linkplain #secret(byte[]) secret} in base64 (standard or URL-safe alphabet), as configuration holds it. */
        public Builder secret(String base64) {
            Objects.requireNonNull(base64, "secret");
            byte[] decoded;
            try {
                decoded = base64.indexOf('-') >= 0 || base64.indexOf('_') >= 0
                        ? Base64.getUrlDecoder().decode(base64.trim()) : Base64.getDecoder().decode(base64.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret is not base64");
            }
            return secret(decoded);
        }

        /**
         * Prefix of every key and of the pub/sub channel, to share one Redis between deployments:
         * 1 to 64 printable ASCII characters without spaces or braces. Default {@code baton:}.
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            requireArgument(!keyPrefix.isEmpty() && keyPrefix.length() <= 64
                    && keyPrefix.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '{' && c != '}'),
                    "keyPrefix must be 1 to 64 printable ASCII characters without spaces or braces");
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * How long the replica that exchanges holds the lease; if it dies, the others take over after
         * it. Capped per exchange at half the exchanger's deadline. Default 2 s, from 10 ms to 1 min.
         */
        public Builder leaseTime(Duration leaseTime) {
            Objects.requireNonNull(leaseTime, "leaseTime");
            requireArgument(leaseTime.compareTo(Duration.ofMillis(10)) >= 0
                    && leaseTime.compareTo(Duration.ofMinutes(1)) <= 0,
                    "leaseTime must be between PT0.01S and PT1M, not " + leaseTime);
            this.leaseTime = leaseTime;
            return this;
        }

        /**
         * The timeout of each Redis command (and of connecting, per call): after it, the call goes on
         * without Redis. Default 250 ms, from 1 ms to 5 s.
         */
        public Builder commandTimeout(Duration commandTimeout) {
            Objects.requireNonNull(commandTimeout, "commandTimeout");
            requireArgument(commandTimeout.compareTo(Duration.ofMillis(1)) >= 0
                    && commandTimeout.compareTo(Duration.ofSeconds(5)) <= 0,
                    "commandTimeout must be between PT0.001S and PT5S, not " + commandTimeout);
            this.commandTimeout = commandTimeout;
            return this;
        }

        /** The clock for entry expiry; use the exchangers' clock. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The cache; starts connecting in the background and never waits for it.
         *
         * @throws IllegalStateException if no uri or no secret was set
         */
        public RedisTokenCache build() {
            requireState(uri != null, "a Redis uri is required");
            requireState(secret != null, "a deployment secret is required");
            return new RedisTokenCache(this);
        }
    }
}
