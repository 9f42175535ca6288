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
     * A shared cache on {@code redisUri}: the default lease, and a command timeout of 1 s, as this
     * machine's load (two cores, several builds, two JVMs) can delay an answer by more than the
     * default 250 ms; the fault tests set their own.
     */
    public static RedisTokenCache.Builder sharedCache(String redisUri) {
        return RedisTokenCache.builder().uri(redisUri).secret(SECRET).keyPrefix("test:")
                .commandTimeout(Duration.ofSeconds(1));
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
