package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exchanged token value: its DPoP binding (RFC 9449 §5) is consistent with its token type. */
class ExchangedTokenTest {
    private static final Instant EXPIRY = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void aBearerTokenIsNotDPoPBound() {
        ExchangedToken token = new ExchangedToken("t-0123456789", "Bearer", TokenType.ACCESS_TOKEN, EXPIRY, List.of());

        assertThat(token.isDPoPBound()).isFalse();
        assertThat(token.dpopKeyThumbprint()).isEmpty();
    }

    @Test
    void aDPoPTokenNamesItsKey() {
        ExchangedToken token = new ExchangedToken("t-0123456789", "DPoP", TokenType.ACCESS_TOKEN, EXPIRY, List.of(),
                "jkt-value");

        assertThat(token.isDPoPBound()).isTrue();
        assertThat(token.isBearer()).isFalse();
        assertThat(token.dpopKeyThumbprint()).contains("jkt-value");
    }

    @Test
    void aDPoPTokenWithoutAThumbprintIsRefused() {
        assertThatThrownBy(() -> new ExchangedToken("t", "DPoP", TokenType.ACCESS_TOKEN, EXPIRY, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thumbprint");
    }

    @Test
    void aThumbprintOnABearerTokenIsRefused() {
        assertThatThrownBy(() -> new ExchangedToken("t", "Bearer", TokenType.ACCESS_TOKEN, EXPIRY, List.of(), "jkt"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DPoP");
    }
}
