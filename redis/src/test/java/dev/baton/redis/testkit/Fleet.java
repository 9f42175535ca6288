package dev.baton.redis.testkit;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchanger;
import dev.baton.TokenType;
import dev.baton.redis.RedisTokenCache;
import dev.baton.testkit.IssuedSecrets;
import java.time.Duration;
import java.util.Base64;

/** How the tests (and the second JVM) build a replica: an exchanger with a Redis shared cache. */
public final class Fleet {
    /** The deployment secret of the test fleet (base64 of 32 bytes). */
    public static final String SECRET = Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    /** The client secret. */
    public static final String CLIENT_SECRET = IssuedSecrets.remember("fleet-client-secret-0123456789");

    private Fleet() {
    }

    /**
     * A shared cache on {@code redisUri}: the default lease, and a command timeout of 2 s (still
     * well under the 5 s exchange deadline). A command that times out makes the replica exchange on
     * its own, by design, which the fleet tests would count as a second call: on the shared 2-core
     * build machine (load average above 10 while five builds run) a starved JVM has answered later
     * than 1 s. The timeout bounds a wait; with Redis answering, nothing waits longer. The fault
     * tests set their own, short, timeout.
     */
    public static RedisTokenCache.Builder sharedCache(String redisUri) {
        return RedisTokenCache.builder().uri(redisUri).secret(SECRET).keyPrefix("test:")
                .commandTimeout(Duration.ofSeconds(2));
    }

    /** A replica's exchanger. */
    public static TokenExchanger.Builder exchanger(String tokenEndpoint, RedisTokenCache shared) {
        return TokenExchanger.builder().tokenEndpoint(tokenEndpoint)
                .clientAuthentication(ClientAuthentication.clientSecretBasic("fleet", CLIENT_SECRET))
                .retryBackoff(Duration.ofMillis(5)).auditListener(AuditListener.none()).sharedCache(shared);
    }

    /** User {@code n}'s subject token (opaque, long enough to be a secret the log check looks for). */
    public static String userToken(int n) {
        return IssuedSecrets.remember("user-" + n + "-subject-token-0123456789abcdef");
    }

    /** User {@code n}'s exchange request. */
    public static ExchangeRequest request(int n) {
        return ExchangeRequest.builder().subjectToken(userToken(n), TokenType.ACCESS_TOKEN).audience("backend")
                .scopes("backend-api:read").build();
    }
}
