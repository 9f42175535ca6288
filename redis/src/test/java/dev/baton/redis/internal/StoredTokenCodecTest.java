package dev.baton.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExchangedToken;
import dev.baton.TokenType;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plaintext of a shared entry: every field back as it went in; anything else refused cleanly. */
class StoredTokenCodecTest {
    private static final StoredToken STORED = new StoredToken(
            new ExchangedToken("stored-access-token-0123456789", "Bearer", TokenType.JWT,
                    Instant.parse("2026-11-30T10:00:00.123456789Z"), List.of("b", "a", "é")),
            Instant.parse("2026-11-30T09:00:00Z"), Instant.parse("2026-11-30T09:59:30Z"));

    @Test
    void roundTripsEveryField() {
        StoredToken back = StoredTokenCodec.decode(StoredTokenCodec.encode(STORED));

        assertThat(back.token().accessToken()).isEqualTo("stored-access-token-0123456789");
        assertThat(back.token().tokenType()).isEqualTo("Bearer");
        assertThat(back.token().issuedTokenType()).isEqualTo(TokenType.JWT);
        assertThat(back.token().expiresAt()).isEqualTo(STORED.token().expiresAt());
        assertThat(back.token().scopes()).containsExactly("b", "a", "é");
        assertThat(back.exchangedAt()).isEqualTo(STORED.exchangedAt());
        assertThat(back.staleAt()).isEqualTo(STORED.staleAt());
    }

    @Test
    void roundTripsADPoPBinding() {
        StoredToken bound = new StoredToken(new ExchangedToken("bound-access-token-0123456789", "DPoP",
                TokenType.ACCESS_TOKEN, STORED.token().expiresAt(), List.of(), "thumbprint-of-the-key"),
                STORED.exchangedAt(), STORED.staleAt());

        StoredToken back = StoredTokenCodec.decode(StoredTokenCodec.encode(bound));

        assertThat(back.token().isDPoPBound()).isTrue();
        assertThat(back.token().dpopKeyThumbprint()).contains("thumbprint-of-the-key");
        assertThat(back.token().tokenType()).isEqualTo("DPoP");
        assertThat(StoredTokenCodec.decode(StoredTokenCodec.encode(STORED)).token().isDPoPBound()).isFalse();
    }

    @Test
    void refusesATruncatedValue() {
        byte[] bytes = StoredTokenCodec.encode(STORED);

        assertThatThrownBy(() -> StoredTokenCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTrailingBytes() {
        byte[] bytes = StoredTokenCodec.encode(STORED);

        assertThatThrownBy(() -> StoredTokenCodec.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnotherFormat() {
        byte[] bytes = StoredTokenCodec.encode(STORED);
        bytes[0] = 2;

        assertThatThrownBy(() -> StoredTokenCodec.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format");
    }

    @Test
    void refusesAHugeLengthWithoutAllocatingIt() {
        byte[] bytes = StoredTokenCodec.encode(STORED);
        // The token type's length field, right after the format byte and three instants.
        int at = 1 + 3 * 12;
        bytes[at] = 0x7f;

        assertThatThrownBy(() -> StoredTokenCodec.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }
}
