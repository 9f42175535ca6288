package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/security.md cases 35 and 36: a JWS is accepted only in canonical base64url (RFC 7515 §2,
 * RFC 4648 §3.3 and §3.5), so one token has exactly one spelling and one fingerprint; and only with
 * the header parameters Baton implements (no {@code crit}, no RFC 7797 unencoded payload).
 */
class TokenValidatorEncodingTest extends ValidatorTestSupport {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** Re-spellings of a base64url part that decode to the same bytes in a lenient decoder. */
    static Stream<Arguments> respellings() {
        return Stream.of(
                Arguments.of("tilde appended", (UnaryOperator<String>) s -> s + "~"),
                Arguments.of("one '=' appended", (UnaryOperator<String>) s -> s + "="),
                Arguments.of("two '=' appended", (UnaryOperator<String>) s -> s + "=="),
                Arguments.of("tilde inserted", (UnaryOperator<String>) s -> insert(s, "~")),
                Arguments.of("'=' inserted", (UnaryOperator<String>) s -> insert(s, "=")),
                Arguments.of("standard alphabet", (UnaryOperator<String>) s -> s.replace('-', '+').replace('_', '/')),
                Arguments.of("standard alphabet with padding", (UnaryOperator<String>) s ->
                        Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(s))),
                Arguments.of("non-zero pad bits", (UnaryOperator<String>) TokenValidatorEncodingTest::withPadBits));
    }

    private static String insert(String s, String what) {
        return s.substring(0, s.length() / 2) + what + s.substring(s.length() / 2);
    }

    /** {@code s} with the unused low bits of its last character set; the decoded bytes stay the same. */
    private static String withPadBits(String s) {
        int unusedBits = s.length() % 4 == 2 ? 4 : s.length() % 4 == 3 ? 2 : 0;
        assertThat(unusedBits).as("the part must end in a partial quantum").isPositive();
        int last = ALPHABET.indexOf(s.charAt(s.length() - 1));
        return s.substring(0, s.length() - 1) + ALPHABET.charAt(last | 1);
    }

    private static String[] parts(String token) {
        return token.split("\\.", -1);
    }

    /** A token the issuer itself signed, with the header and payload parts spelled exactly as given. */
    private String signedAsIs(String headerPart, String payloadPart) throws JOSEException {
        String input = headerPart + "." + payloadPart;
        Base64URL sig = new RSASSASigner(as.signingKey()).sign(new JWSHeader(JWSAlgorithm.RS256),
                input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + sig;
    }

    private Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", "RS256");
        h.put("typ", "at+jwt");
        h.put("kid", as.signingKey().getKeyID());
        return h;
    }

    private String payloadPart() {
        return Base64URL.encode(JSONObjectUtils.toJSONString(token().claims())).toString();
    }

    @Test
    void acceptsTheCanonicalSpellingOfAToken() throws Exception {
        String canonical = signedAsIs(Base64URL.encode(JSONObjectUtils.toJSONString(header())).toString(),
                payloadPart());

        assertThat(validator().validate(canonical).subject()).isEqualTo("alice");
    }

    // 35
    @ParameterizedTest(name = "signature: {0}")
    @MethodSource("respellings")
    void rejectsARespelledSignature(String name, UnaryOperator<String> respell) throws Exception {
        TokenValidator v = validator();
        String good;
        String variant;
        int tries = 0;
        do {
            // A signature without '-' or '_' reads the same in both alphabets (about once in 50,000).
            good = token().sign();
            String[] p = parts(good);
            variant = p[0] + "." + p[1] + "." + respell.apply(p[2]);
        } while (variant.equals(good) && ++tries < 10);
        assertThat(variant).isNotEqualTo(good);

        TokenValidationException e = assertInvalid(v, variant);

        assertThat(e.description()).isEqualTo("token is malformed");
        assertThat(v.validate(good).subject()).isEqualTo("alice");
    }

    @ParameterizedTest(name = "header: {0}")
    @MethodSource("respellings")
    void rejectsAHeaderSpelledNonCanonicallyEvenWhenTheIssuerSignedIt(String name, UnaryOperator<String> respell)
            throws Exception {
        String headerPart = canonicalPartNeedingPadding(header());
        String variant = signedAsIs(respell.apply(headerPart), payloadPart());
        assertThat(respell.apply(headerPart)).isNotEqualTo(headerPart);

        assertThat(assertInvalid(validator(), variant).description()).isEqualTo("token is malformed");
    }

    @ParameterizedTest(name = "payload: {0}")
    @MethodSource("respellings")
    void rejectsAPayloadSpelledNonCanonicallyEvenWhenTheIssuerSignedIt(String name, UnaryOperator<String> respell)
            throws Exception {
        String payloadPart = canonicalPartNeedingPadding(token().claims());
        String variant = signedAsIs(Base64URL.encode(JSONObjectUtils.toJSONString(header())).toString(),
                respell.apply(payloadPart));
        assertThat(respell.apply(payloadPart)).isNotEqualTo(payloadPart);

        assertThat(assertInvalid(validator(), variant).description()).isEqualTo("token is malformed");
    }

    /**
     * The canonical encoding of {@code json}, grown with a filler member until it ends in a partial
     * quantum (so padding and pad bits apply) and contains both {@code -} and {@code _} (so the
     * standard alphabet spells it differently).
     */
    private static String canonicalPartNeedingPadding(Map<String, Object> json) {
        Map<String, Object> m = new LinkedHashMap<>(json);
        for (int i = 0; i < 10_000; i++) {
            m.put("pad", "?>".repeat(i % 7) + "~".repeat(i / 7));
            String s = Base64URL.encode(JSONObjectUtils.toJSONString(m)).toString();
            if (s.length() % 4 == 2 && s.indexOf('-') >= 0 && s.indexOf('_') >= 0) {
                return s;
            }
        }
        throw new AssertionError("no filler gave the wanted encoding");
    }

    // 36
    @Test
    void rejectsAnUnencodedPayloadJwt() throws Exception {
        // RFC 7797 §7: JWTs MUST NOT use b64:false. The signature covers the raw claims JSON.
        Map<String, Object> h = header();
        h.put("b64", false);
        h.put("crit", List.of("b64"));
        String headerPart = Base64URL.encode(JSONObjectUtils.toJSONString(h)).toString();
        String claims = JSONObjectUtils.toJSONString(token().claims());
        Base64URL sig = new RSASSASigner(as.signingKey()).sign(new JWSHeader(JWSAlgorithm.RS256),
                (headerPart + "." + claims).getBytes(StandardCharsets.UTF_8));
        String token = headerPart + "." + Base64URL.encode(claims) + "." + sig;

        assertThat(assertInvalid(validator(), token).description()).isEqualTo("token uses an unsupported header");
    }

    @Test
    void rejectsB64FalseWithoutCrit() throws Exception {
        assertThat(assertInvalid(validator(), token().header("b64", false).sign()).description())
                .isEqualTo("token uses an unsupported header");
    }

    @ParameterizedTest(name = "crit {0}")
    @MethodSource("critValues")
    void rejectsAnyCriticalHeaderParameter(List<String> crit) throws Exception {
        String token = token().header("crit", crit).header("b64", true).header("x-policy", "strict").sign();

        assertThat(assertInvalid(validator(), token).description()).isEqualTo("token uses an unsupported header");
    }

    static Stream<List<String>> critValues() {
        return Stream.of(List.of("b64"), List.of("kid"), List.of("exp"), List.of("x-policy"), List.of());
    }
}
