package dev.baton.internal.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The canonical check (the shape's one pass over the token, then each part's length and last
 * character) agrees with its definition: decoding and re-encoding gives the string back (RFC 4648
 * §3.5, RFC 7515 §2), for a part in each of the three positions of a compact JWS.
 */
class CanonicalBase64UrlTest {
    /** The alphabet plus every character a lenient decoder might let through. */
    private static final String CHARACTERS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/~.% \u00e9";

    /** The definition: the strict JDK url-safe decoder accepts it and re-encoding without padding gives it back. */
    private static boolean reencodesToItself(String s) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(s);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether a compact JWS passes, the other two parts being empty (which is canonical). */
    private static boolean jwsPasses(String token) {
        TokenShape shape = TokenShape.of(token);
        return shape != null && CanonicalBase64Url.isCanonicalJws(token, shape);
    }

    /** The verdict on {@code s} as the header, the payload and the signature of a JWS; all three must agree. */
    private static boolean canonical(String s) {
        boolean asHeader = jwsPasses(s + "..");
        assertThat(jwsPasses("." + s + ".")).as("'%s' as the payload", s).isEqualTo(asHeader);
        assertThat(jwsPasses(".." + s)).as("'%s' as the signature", s).isEqualTo(asHeader);
        return asHeader;
    }

    @Test
    void agreesWithDecodeAndReencodeOnEveryStringOfUpToThreeCharacters() {
        int n = CHARACTERS.length();
        int checked = 0;
        for (int length = 0; length <= 3; length++) {
            int combinations = (int) Math.pow(n, length);
            for (int k = 0; k < combinations; k++) {
                StringBuilder b = new StringBuilder(length);
                for (int i = 0, x = k; i < length; i++, x /= n) {
                    b.append(CHARACTERS.charAt(x % n));
                }
                String s = b.toString();
                assertThat(canonical(s)).as("'%s'", s).isEqualTo(reencodesToItself(s));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(1 + n + n * n + n * n * n);
    }

    @Test
    void agreesWithDecodeAndReencodeOnRandomEncodingsAndTheirMutations() {
        SplittableRandom random = new SplittableRandom(7515);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(0, 300)];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = (byte) random.nextInt(256);
            }
            String s = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            assertThat(canonical(s)).isTrue();
            if (!s.isEmpty()) {
                int at = random.nextInt(s.length());
                String mutated = s.substring(0, at) + CHARACTERS.charAt(random.nextInt(CHARACTERS.length()))
                        + s.substring(at + 1);
                assertThat(canonical(mutated)).as("'%s'", mutated).isEqualTo(reencodesToItself(mutated));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"QQ==", "QQ=", "QUI=", "Q~Q", "QQ~", "+/8", "QR", "QUJ", "A", "AAAAA", "QQ\u0000"})
    void refusesPaddingForeignCharactersPadBitsAndDanglingCharacters(String s) {
        assertThat(canonical(s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "QQ", "QUI", "QUJD", "-_8", "AAAA"})
    void acceptsCanonicalStrings(String s) {
        assertThat(canonical(s)).isTrue();
    }

    @Test
    void checksEachPartOfACompactJwsWithinItsBounds() {
        assertThat(jwsPasses("QUJD.QQ.QUI")).isTrue();
        assertThat(jwsPasses("..")).isTrue();
        assertThat(jwsPasses("QUJD.QQ.QUI=")).isFalse();
        assertThat(jwsPasses("QUJD.QR.QUI")).isFalse();
        assertThat(jwsPasses("QUJD=.QQ.QUI")).isFalse();
        assertThat(jwsPasses("QUJD.QQ.QUI.")).isFalse();
    }
}
