package dev.baton.spring.boot;

import dev.baton.SharedTokenCache;
import dev.baton.redis.RedisTokenCache;
import dev.baton.spring.boot.internal.SharedCaches;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The fleet's shared cache from {@code baton.token-exchange.shared-cache.redis.*}, when baton-redis
 * is on the class path: a {@link RedisTokenCache} that Baton's {@link dev.baton.TokenExchanger}
 * uses as its second-level cache (docs/fleet.md). The application's own {@link SharedTokenCache}
 * bean replaces it. The container closes it when the context closes, after the exchanger that
 * uses it.
 */
@AutoConfiguration(before = BatonAutoConfiguration.class)
@ConditionalOnClass(RedisTokenCache.class)
@ConditionalOnProperty(prefix = "baton", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(BatonSharedCacheProperties.class)
public class BatonSharedCacheAutoConfiguration {

    /** Created by Spring Boot. */
    public BatonSharedCacheAutoConfiguration() {
    }

    /**
     * The shared cache of {@code baton.token-exchange.shared-cache.redis}. It connects in the
     * background: a Redis that is down at start-up does not stop the application (the exchanger
     * works without it until it answers).
     *
     * @param properties the bound properties
     * @return the cache, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(SharedTokenCache.class)
    @Conditional(SharedCaches.Configured.class)
    public RedisTokenCache batonRedisTokenCache(BatonSharedCacheProperties properties) {
        return SharedCaches.redis(properties.getRedis());
    }
}
