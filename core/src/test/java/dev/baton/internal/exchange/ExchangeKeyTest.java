package dev.baton.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import java.lang.reflect.RecordComponent;
import org.junit.jupiter.api.Test;

class ExchangeKeyTest {
    private static final String TOKEN = "raw-subject-token-0123456789abcdef";

    @Test
    void holdsNoRawTokenAndShowsNone() {
        ExchangeKey key = ExchangeKey.of(ExchangeRequest.builder().subjectToken(TOKEN, TokenType.ACCESS_TOKEN)
                .actorToken("raw-actor-token", TokenType.JWT).audience("backend").build());

        assertThat(key.toString()).doesNotContain(TOKEN).doesNotContain("raw-actor-token");
        for (RecordComponent c : ExchangeKey.class.getRecordComponents()) {
            assertThat(c.getType()).isNotEqualTo(String.class);
        }
    }

    @Test
    void equalForTheSameParametersInAnyOrder() {
        ExchangeKey a = ExchangeKey.of(ExchangeRequest.builder().subjectToken(TOKEN, TokenType.ACCESS_TOKEN)
                .audience("x", "y").scopes("s1", "s2").build());
        ExchangeKey b = ExchangeKey.of(ExchangeRequest.builder().subjectToken(TOKEN, TokenType.ACCESS_TOKEN)
                .audience("y", "x").scopes("s2", "s1").build());

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void concatenationAmbiguityDoesNotCollide() {
        // "ab" + "c" and "a" + "bc" would collide in a naively concatenated string key.
        ExchangeKey a = ExchangeKey.of(ExchangeRequest.builder().subjectToken("tok", TokenType.ACCESS_TOKEN)
                .audience("ab").scopes("c").build());
        ExchangeKey b = ExchangeKey.of(ExchangeRequest.builder().subjectToken("tok", TokenType.ACCESS_TOKEN)
                .audience("a").scopes("bc").build());

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void differentSubjectTokensDiffer() {
        ExchangeKey a = ExchangeKey.of(ExchangeRequest.builder().subjectToken("alice", TokenType.ACCESS_TOKEN).build());
        ExchangeKey b = ExchangeKey.of(ExchangeRequest.builder().subjectToken("bob", TokenType.ACCESS_TOKEN).build());

        assertThat(a).isNotEqualTo(b);
    }
}
