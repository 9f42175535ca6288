/** Not API: the implementation of {@link dev.baton.redis.RedisTokenCache}; may change in any release. */
package dev.baton.redis.internal;
