package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.redis.internal.StoredToken;
import dev.baton.redis.internal.StoredTokenCodec;
import dev.baton.redis.internal.ValueSealer;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What whoever reads Redis gets: keys that are digests, and values useless without the user's own
 * token and the deployment secret (docs/security.md cases 28 and 34, at rest).
 */
class SealedValueTest {
    private static RedisProcess redis;
    private static FleetAuthorizationServer as;
    private static RedisClient raw;
    private static StatefulRedisConnection<String, byte[]> connection;
    private static String key;
    private static byte[] value;
    private static ExchangedToken issued;

    @BeforeAll
    static void storeOneEntry() throws Exception {
        redis = RedisProcess.start();
        as = new FleetAuthorizationServer();
        try (RedisTokenCache shared = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger exchanger = Fleet.exchanger(as.tokenEndpoint(), shared).build()) {
            issued = exchanger.exchange(Fleet.request(1));
        }
        raw = RedisClient.create(redis.uri());
        connection = raw.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        List<String> keys = connection.sync().scan(ScanArgs.Builder.matches("test:*")).getKeys();
        assertThat(keys).hasSize(1);
        key = keys.get(0);
        value = connection.sync().get(key);
    }

    @AfterAll
    static void stop() {
        if (raw != null) {
            raw.shutdown();
        }
        if (as != null) {
            as.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static byte[] secret() {
        return Base64.getDecoder().decode(Fleet.SECRET);
    }

    @Test
    void theKeyIsAPrefixedSha256DigestAndNoToken() {
        assertThat(key).matches("test:\\{[A-Za-z0-9_-]{43}\\}");
        assertThat(key).doesNotContain(Fleet.userToken(1)).doesNotContain(issued.accessToken());
    }

    @Test
    void theStoredBytesContainNoTokenCharacters() {
        String asText = new String(value, StandardCharsets.ISO_8859_1);
        assertThat(asText).doesNotContain(issued.accessToken()).doesNotContain(Fleet.userToken(1))
                .doesNotContain(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(1)))
                .doesNotContain("backend-api:read").doesNotContain("Bearer");
    }

    @Test
    void theUsersOwnTokenAndTheSecretDecryptIt() {
        StoredToken stored = StoredTokenCodec.decode(new ValueSealer(secret()).open(value, Fleet.userToken(1), key));

        assertThat(stored.token().accessToken()).isEqualTo(issued.accessToken());
        assertThat(stored.staleAt()).isBefore(issued.expiresAt());
    }

    @Test
    void anotherUsersTokenCannotDecryptIt() {
        assertThatThrownBy(() -> new ValueSealer(secret()).open(value, Fleet.userToken(2), key))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shared value failed authentication");
    }

    @Test
    void theUsersTokenWithoutTheDeploymentSecretCannotDecryptIt() {
        byte[] otherSecret = "another-deployment-secret-32-bytes!!".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> new ValueSealer(otherSecret).open(value, Fleet.userToken(1), key))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theValueMovedUnderAnotherKeyCannotBeDecrypted() {
        String otherKey = "test:{" + "A".repeat(43) + "}";

        assertThatThrownBy(() -> new ValueSealer(secret()).open(value, Fleet.userToken(1), otherKey))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aValueAlteredByOneBitCannotBeDecrypted() {
        byte[] altered = value.clone();
        altered[altered.length / 2] ^= 1;

        assertThatThrownBy(() -> new ValueSealer(secret()).open(altered, Fleet.userToken(1), key))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRedisTtlEndsNoLaterThanTheLocalRule() {
        RedisCommands<String, byte[]> sync = connection.sync();
        long ttlMillis = sync.pttl(key);

        // 300 s tokens, 30 s skew: at most 270 s.
        assertThat(ttlMillis).isPositive().isLessThanOrEqualTo(270_000);
    }
}
