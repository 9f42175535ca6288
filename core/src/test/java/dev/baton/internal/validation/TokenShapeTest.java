package dev.baton.internal.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.internal.TokenSyntax;
import org.junit.jupiter.api.Test;

/** The one pass over a token before any decoding: b64token characters, dots, base64url alphabet. */
class TokenShapeTest {

    @Test
    void acceptsExactlyTheB64TokenCharactersAndPaddingForEveryCharacter() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            boolean allowed = TokenSyntax.isB64TokenChar((char) c) || c == '=';
            assertThat(TokenShape.of("ab" + (char) c + "cd") != null).as("U+%04X", c).isEqualTo(allowed);
        }
    }

    @Test
    void countsTheDotsAndFindsTheFirstTwo() {
        TokenShape shape = TokenShape.of("aa.bbb.c");

        assertThat(shape.dots()).isEqualTo(2);
        assertThat(shape.firstDot()).isEqualTo(2);
        assertThat(shape.secondDot()).isEqualTo(6);
    }

    @Test
    void aTokenWithoutDotsHasNoDotPositions() {
        TokenShape shape = TokenShape.of("opaque-token");

        assertThat(shape.dots()).isZero();
        assertThat(shape.firstDot()).isEqualTo(-1);
        assertThat(shape.secondDot()).isEqualTo(-1);
    }

    @Test
    void theDotCountSaturatesAndNeverWrapsIntoAJwsOrJweCount() {
        assertThat(TokenShape.of("a.b.c.d.e.f").dots()).isEqualTo(TokenShape.MANY_DOTS);
        assertThat(TokenShape.of(".".repeat(65_538)).dots()).isEqualTo(TokenShape.MANY_DOTS);
    }

    @Test
    void tellsBase64UrlFromTheOtherB64TokenCharacters() {
        assertThat(TokenShape.of("AZaz09-_.x.y").base64Url()).isTrue();
        for (String other : new String[] {"a~b", "a+b", "a/b", "ab=", "a=b"}) {
            assertThat(TokenShape.of(other).base64Url()).as(other).isFalse();
        }
    }

    @Test
    void refusesWhitespaceControlAndNonAsciiCharacters() {
        assertThat(TokenShape.of("a b")).isNull();
        assertThat(TokenShape.of("a\tb")).isNull();
        assertThat(TokenShape.of("a\u0000b")).isNull();
        assertThat(TokenShape.of("a\u00e9b")).isNull();
        assertThat(TokenShape.of("a\u2024b")).isNull();
    }
}
