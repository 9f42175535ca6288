package dev.baton.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 6750 §2.1 {@code b64token} syntax. */
class BearerExtractionTest {

    @Test
    void acceptsJwtAndOpaqueTokenAlphabets() {
        assertThat(BearerExtraction.isB64Token("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")).isTrue();
        assertThat(BearerExtraction.isB64Token("a-b.c_d~e+f/g==")).isTrue();
    }

    @Test
    void refusesEmptyPaddingOnlyAndInnerPadding() {
        assertThat(BearerExtraction.isB64Token("")).isFalse();
        assertThat(BearerExtraction.isB64Token("==")).isFalse();
        assertThat(BearerExtraction.isB64Token("ab=c")).isFalse();
    }

    @Test
    void refusesSeparatorsAndControlCharacters() {
        for (String s : new String[] {"a b", "a,b", "a\tb", "a\"b", "a;b", "a\u00e9", "a\u0000"}) {
            assertThat(BearerExtraction.isB64Token(s)).as(s).isFalse();
        }
    }
}
