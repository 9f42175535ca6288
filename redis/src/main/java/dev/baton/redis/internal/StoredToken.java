package dev.baton.redis.internal;

import dev.baton.ExchangedToken;
import java.time.Instant;

/**
 * What one shared entry holds once decrypted: the exchanged token, when it was obtained from the
 * token endpoint, and the instant it stops being served (checked on every read, whatever the
 * entry's Redis TTL says). Not API.
 *
 * @param token the exchanged token
 * @param exchangedAt when the token endpoint issued it
 * @param staleAt when it stops being served
 */
public record StoredToken(ExchangedToken token, Instant exchangedAt, Instant staleAt) {
}
