package dev.baton.examples.countries;

import dev.baton.redis.RedisTokenCache;

/**
 * The shared cache of a fleet of countries MCP servers, when {@code REDIS_URL} is set: a
 * {@link RedisTokenCache} on that Redis or Valkey with the {@code REDIS_SECRET} deployment secret,
 * so that behind a load balancer each user's token is exchanged once for the whole fleet
 * (docs/fleet.md). Without {@code REDIS_URL} the server runs as it always did.
 */
final class FleetCache {
    private FleetCache() {
    }

    /**
     * The shared cache of {@code config}, or {@code null} without {@code REDIS_URL}. The caller
     * closes it after the exchanger. Makes no network call.
     *
     * @throws IllegalArgumentException if {@code REDIS_URL} or {@code REDIS_SECRET} is refused
     */
    static RedisTokenCache of(CountriesServerConfig config) {
        if (config.redisUrl() == null) {
            return null;
        }
        try {
            return RedisTokenCache.builder().uri(config.redisUrl()).secret(config.redisSecret()).build();
        } catch (IllegalArgumentException e) {
            // The builder names the setting; say which variable holds it.
            throw new IllegalArgumentException("REDIS_URL / REDIS_SECRET: " + e.getMessage(), e);
        }
    }
}
