package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder fails fast, with messages that name the setting and never echo a password or the secret. */
class RedisTokenCacheBuilderTest {
    private static final byte[] SECRET = new byte[32];

    @Test
    void refusesASecretShorterThan32Bytes() {
        assertThatThrownBy(() -> RedisTokenCache.builder().secret(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("secret must be at least 32 bytes, not 31");
    }

    @Test
    void refusesASecretThatIsNotBase64WithoutEchoingIt() {
        assertThatThrownBy(() -> RedisTokenCache.builder().secret("not base64 !!! secret-value"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("secret is not base64");
    }

    @Test
    void refusesAUriThatIsNotRedisWithoutEchoingIt() {
        assertThatThrownBy(() -> RedisTokenCache.builder().uri("http://user:hunter2-password@host"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void refusesAKeyPrefixWithBraces() {
        assertThatThrownBy(() -> RedisTokenCache.builder().keyPrefix("a{b}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("keyPrefix must be");
    }

    @Test
    void refusesALeaseOverAMinute() {
        assertThatThrownBy(() -> RedisTokenCache.builder().leaseTime(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("leaseTime must be between PT0.01S and PT1M, not PT2M");
    }

    @Test
    void refusesACommandTimeoutOverFiveSeconds() {
        assertThatThrownBy(() -> RedisTokenCache.builder().commandTimeout(Duration.ofSeconds(6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("commandTimeout must be between");
    }

    @Test
    void requiresAUri() {
        assertThatThrownBy(() -> RedisTokenCache.builder().secret(SECRET).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("a Redis uri is required");
    }

    @Test
    void requiresASecret() {
        assertThatThrownBy(() -> RedisTokenCache.builder().uri("redis://127.0.0.1:6379").build())
                .isInstanceOf(IllegalStateException.class).hasMessage("a deployment secret is required");
    }

    @Test
    void toStringShowsTheHostAndSettingsButNeverThePassword() {
        try (RedisTokenCache cache = RedisTokenCache.builder().uri("rediss://baton:hunter2-password@127.0.0.1:1")
                .secret(SECRET).build()) {
            assertThat(cache.toString()).isEqualTo(
                    "RedisTokenCache[rediss://127.0.0.1:1, prefix=baton:, lease=PT2S, timeout=PT0.25S]");
            assertThat(cache.isDegraded()).isFalse();
        }
    }
}
