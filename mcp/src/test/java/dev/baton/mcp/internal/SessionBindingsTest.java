package dev.baton.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ValidatedToken;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who a session belongs to: the issuer and subject of the token, or the token when it has no subject. */
class SessionBindingsTest {
    @Test
    void sameSubjectOfAnotherIssuerIsAnotherOwner() {
        ValidatedToken fromA = ValidatedToken.of("t1", Map.of("iss", "https://a.example", "sub", "dave"));
        ValidatedToken fromB = ValidatedToken.of("t2", Map.of("iss", "https://b.example", "sub", "dave"));

        assertThat(SessionBindings.ownerOf(fromA)).isNotEqualTo(SessionBindings.ownerOf(fromB));
    }

    @Test
    void twoTokensOfOneUserAreOneOwner() {
        ValidatedToken first = ValidatedToken.of("t1", Map.of("iss", "https://a.example", "sub", "dave"));
        ValidatedToken refreshed = ValidatedToken.of("t2", Map.of("iss", "https://a.example", "sub", "dave"));

        assertThat(SessionBindings.ownerOf(first)).isEqualTo(SessionBindings.ownerOf(refreshed));
    }

    @Test
    void tokensWithoutSubjectAreEachTheirOwnOwner() {
        ValidatedToken one = ValidatedToken.of("t1", Map.of("iss", "https://a.example"));
        ValidatedToken other = ValidatedToken.of("t2", Map.of("iss", "https://a.example"));

        assertThat(SessionBindings.ownerOf(one)).isNotEqualTo(SessionBindings.ownerOf(other))
                .isEqualTo(SessionBindings.ownerOf(ValidatedToken.of("t1", Map.of("iss", "https://a.example"))));
    }

    @Test
    void ownerNeverShowsTheToken() {
        ValidatedToken token = ValidatedToken.of("secret-token-value", Map.of("iss", "https://a.example"));

        assertThat(SessionBindings.ownerOf(token).toString()).doesNotContain("secret-token-value");
    }
}
