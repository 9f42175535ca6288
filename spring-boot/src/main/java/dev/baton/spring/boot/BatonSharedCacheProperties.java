package dev.baton.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.token-exchange.shared-cache.*}: the fleet's shared, encrypted cache of exchanged
 * tokens (baton-redis, docs/fleet.md), so that replicas behind a load balancer make one token
 * endpoint call per user instead of one each. Set when baton-redis is on the class path and
 * {@code redis.url} and {@code redis.secret} are set. {@link #toString()} shows no value.
 */
@ConfigurationProperties(prefix = "baton.token-exchange.shared-cache")
public class BatonSharedCacheProperties {
    private final Redis redis = new Redis();

    /** Bound by Spring Boot. */
    public BatonSharedCacheProperties() {
    }

    /** @return {@code baton.token-exchange.shared-cache.redis.*} */
    public Redis getRedis() {
        return redis;
    }

    /** {@code baton.token-exchange.shared-cache.redis.*}: the Redis 6.2+ or Valkey 7+ the replicas share. */
    public static class Redis {
        /**
         * Where Redis is, in Lettuce's URI syntax: redis://host:6379/0, rediss:// for TLS,
         * redis://user:password@host for an ACL user, redis-sentinel://s1:26379,s2:26379#master for
         * Sentinel, or a seed node with cluster=true. Its password is never logged.
         */
        private String url;

        /** Whether url is a seed node of a Redis Cluster. */
        private boolean cluster;

        /**
         * The deployment secret, base64 of at least 32 random bytes, the same on every replica
         * (openssl rand -base64 32). Never logged.
         */
        private String secret;

        /** Prefix of the keys and of the pub/sub channel (1 to 64 printable ASCII characters, no spaces or braces); default baton:. */
        private String keyPrefix;

        /** How long the replica that exchanges holds the lease before another takes over (10 ms to 1 min); default 2 s. */
        private Duration leaseTime;

        /** The timeout of each Redis command, after which the call goes on without Redis (1 ms to 5 s); default 250 ms. */
        private Duration commandTimeout;

        /** Bound by Spring Boot. */
        public Redis() {
        }

        /** @return the Redis URI */
        public String getUrl() {
            return url;
        }

        /** @param url the Redis URI */
        public void setUrl(String url) {
            this.url = url;
        }

        /** @return whether the URI is a cluster's seed node */
        public boolean isCluster() {
            return cluster;
        }

        /** @param cluster whether the URI is a cluster's seed node */
        public void setCluster(boolean cluster) {
            this.cluster = cluster;
        }

        /** @return the deployment secret (base64) */
        public String getSecret() {
            return secret;
        }

        /** @param secret the deployment secret (base64) */
        public void setSecret(String secret) {
            this.secret = secret;
        }

        /** @return the key prefix, or {@code null} for the default */
        public String getKeyPrefix() {
            return keyPrefix;
        }

        /** @param keyPrefix the key prefix */
        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        /** @return the lease time, or {@code null} for the default */
        public Duration getLeaseTime() {
            return leaseTime;
        }

        /** @param leaseTime the lease time */
        public void setLeaseTime(Duration leaseTime) {
            this.leaseTime = leaseTime;
        }

        /** @return the command timeout, or {@code null} for the default */
        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        /** @param commandTimeout the command timeout */
        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        /** The settings, without the URI or the secret. */
        @Override
        public String toString() {
            return "Redis[cluster=" + cluster + ", keyPrefix=" + keyPrefix + ", leaseTime=" + leaseTime
                    + ", commandTimeout=" + commandTimeout + "]";
        }
    }

    /** The settings, without the URI or the secret. */
    @Override
    public String toString() {
        return "BatonSharedCacheProperties[" + redis + "]";
    }
}
