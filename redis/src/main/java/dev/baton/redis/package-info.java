/**
 * Baton's shared, encrypted second-level cache of exchanged tokens on Redis or Valkey, for fleets:
 * {@link dev.baton.redis.RedisTokenCache}, given to each replica's
 * {@link dev.baton.TokenExchanger.Builder#sharedCache(dev.baton.SharedTokenCache)}.
 */
package dev.baton.redis;
