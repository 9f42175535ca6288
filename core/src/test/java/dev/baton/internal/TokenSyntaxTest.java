package dev.baton.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two token grammars: RFC 6749 §3.3 {@code scope-token} and RFC 6750 §2.1 {@code b64token}. */
class TokenSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"mcp:tools:call", "openid", "a", "!", "~", "#[]", "https://api.example.com/read",
        "backend-api:read", "x=y&z", "'single'", "{}^`|"})
    void acceptsPrintableAsciiScopeTokens(String scope) {
        assertThat(TokenSyntax.isScopeToken(scope)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a\"b", "a\\b", "tab\there", "line\nbreak", "\u007f", "caf\u00e9",
        "\u0000", " leading", "trailing "})
    void rejectsScopeTokensWithSpaceQuoteBackslashControlOrNonAscii(String scope) {
        assertThat(TokenSyntax.isScopeToken(scope)).isFalse();
    }

    @Test
    void nullIsNotAScopeToken() {
        assertThat(TokenSyntax.isScopeToken(null)).isFalse();
    }

    @Test
    void theScopeTokenRangeEndsAreExact() {
        // %x21 / %x23-5B / %x5D-7E: the characters just outside each range are refused.
        assertThat(TokenSyntax.isScopeToken(one(0x21))).isTrue();
        assertThat(TokenSyntax.isScopeToken(one(0x20))).isFalse();
        assertThat(TokenSyntax.isScopeToken(one(0x22))).isFalse();
        assertThat(TokenSyntax.isScopeToken(one(0x23))).isTrue();
        assertThat(TokenSyntax.isScopeToken(one(0x5b))).isTrue();
        assertThat(TokenSyntax.isScopeToken(one(0x5c))).isFalse();
        assertThat(TokenSyntax.isScopeToken(one(0x5d))).isTrue();
        assertThat(TokenSyntax.isScopeToken(one(0x7e))).isTrue();
        assertThat(TokenSyntax.isScopeToken(one(0x7f))).isFalse();
    }

    private static String one(int c) {
        return String.valueOf((char) c);
    }

    @Test
    void requireScopeTokensKeepsTheOrderAndDropsDuplicates() {
        assertThat(TokenSyntax.requireScopeTokens(List.of("b", "a", "b", "c")))
                .containsExactly("b", "a", "c");
    }

    @Test
    void requireScopeTokensReturnsAnUnmodifiableSet() {
        assertThatThrownBy(() -> TokenSyntax.requireScopeTokens(List.of("a")).add("b"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void requireScopeTokensNamesThePrintableOffender() {
        assertThatThrownBy(() -> TokenSyntax.requireScopeTokens(List.of("ok", "not ok")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'not ok'");
    }

    @Test
    void requireScopeTokensNeverEchoesAControlCharacter() {
        assertThatThrownBy(() -> TokenSyntax.requireScopeTokens(List.of("evil\r\nX-Injected: 1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\r")
                .hasMessageNotContaining("\n");
    }

    @Test
    void requireScopeTokensRefusesNullElementsAndANullCollection() {
        assertThatThrownBy(() -> TokenSyntax.requireScopeTokens(Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> TokenSyntax.requireScopeTokens(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", "a-b_c~d+e/f", "abc=", "abc==",
        "abc=====", "A", "0", ".", "...", "~", "+/", "ory_at_x7Qk2.Zp9Lm4"})
    void acceptsB64Tokens(String token) {
        assertThat(TokenSyntax.isB64Token(token)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "=", "==", "=abc", "ab=c", "abc=d", "abc= ", "a b", " abc", "abc ", "a\tb",
        "abc\n", "a\"b", "a,b", "a;b", "a%2Eb", "caf\u00e9", "a\u0000b", "Bearer abc", "a*b", "a!b"})
    void rejectsWhatIsNotAB64Token(String token) {
        assertThat(TokenSyntax.isB64Token(token)).isFalse();
    }

    @Test
    void nullIsNotAB64Token() {
        assertThat(TokenSyntax.isB64Token(null)).isFalse();
    }

    @Test
    void theB64TokenCharactersAreExactlyAlphaDigitAndSixMarks() {
        StringBuilder accepted = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            if (TokenSyntax.isB64TokenChar(c)) {
                accepted.append(c);
            }
        }

        assertThat(accepted.toString())
                .isEqualTo("+-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");
    }

    @Test
    void paddingIsNotABodyCharacter() {
        assertThat(TokenSyntax.isB64TokenChar('=')).isFalse();
    }
}
