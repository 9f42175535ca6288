package dev.baton.spring.boot.internal;

import dev.baton.redis.RedisTokenCache;
import dev.baton.spring.boot.BatonSharedCacheProperties;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The {@link RedisTokenCache} of {@code baton.token-exchange.shared-cache.redis.*}. Only loaded when
 * baton-redis is on the class path. Not API.
 */
public final class SharedCaches {
    /** The properties' prefix, with its trailing dot. */
    public static final String REDIS = "baton.token-exchange.shared-cache.redis.";

    private SharedCaches() {
    }

    /**
     * The shared cache; it starts connecting in the background and never waits for Redis.
     *
     * @throws BatonConfigurationException naming the property that is missing or refused; the
     *     message never holds the URI's password or the secret
     */
    public static RedisTokenCache redis(BatonSharedCacheProperties.Redis p) {
        RedisTokenCache.Builder b = RedisTokenCache.builder();
        String url = Settings.require(REDIS + "url", p.getUrl(),
                " (redis://, rediss:// or redis-sentinel://, the Redis the replicas share)");
        Settings.apply(REDIS + "url", () -> b.uri(url.strip()));
        if (p.isCluster()) {
            b.cluster();
        }
        String secret = Settings.require(REDIS + "secret", p.getSecret(),
                " (base64 of 32 or more random bytes, the same on every replica: openssl rand -base64 32)");
        Settings.apply(REDIS + "secret", () -> b.secret(secret));
        if (p.getKeyPrefix() != null) {
            Settings.apply(REDIS + "key-prefix", () -> b.keyPrefix(p.getKeyPrefix()));
        }
        if (p.getLeaseTime() != null) {
            Settings.apply(REDIS + "lease-time", () -> b.leaseTime(p.getLeaseTime()));
        }
        if (p.getCommandTimeout() != null) {
            Settings.apply(REDIS + "command-timeout", () -> b.commandTimeout(p.getCommandTimeout()));
        }
        RedisTokenCache[] built = new RedisTokenCache[1];
        Settings.build("baton.token-exchange.shared-cache.redis", java.util.Map.of(), () -> built[0] = b.build());
        return built[0];
    }

    /**
     * Matches when a {@code baton.token-exchange.shared-cache.redis.*} property has a value. A blank
     * one (such as {@code url: ${REDIS_URL:}} without the variable) does not count, so one
     * configuration file serves a single server and a fleet; any other value turns the cache on,
     * so a half-written configuration fails start-up naming the missing property.
     */
    public static final class Configured extends SpringBootCondition {
        /** The condition. */
        public Configured() {
        }

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            BatonSharedCacheProperties.Redis p = Binder.get(context.getEnvironment())
                    .bind(REDIS.substring(0, REDIS.length() - 1), Bindable.of(BatonSharedCacheProperties.Redis.class))
                    .orElse(null);
            boolean set = p != null && (Settings.isSet(p.getUrl()) || Settings.isSet(p.getSecret())
                    || Settings.isSet(p.getKeyPrefix()) || p.isCluster() || p.getLeaseTime() != null
                    || p.getCommandTimeout() != null);
            return set ? ConditionOutcome.match(REDIS + "* is configured")
                    : ConditionOutcome.noMatch("no " + REDIS + "* property with a value");
        }
    }
}
