package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/security.md cases 37 and 38 in JWTs: every registered claim Baton reads must have its JSON
 * type (RFC 7519 §4.1, RFC 9068 §2.2, RFC 8693 §4, RFC 7800 §3.1), and every NumericDate must lie
 * between 1970 and the end of year 9999, checked on the JSON number before any conversion.
 */
class TokenValidatorClaimTypesTest extends ValidatorTestSupport {
    /** 9999-12-31T23:59:59Z, the last second a NumericDate may name. */
    static final long LAST_SECOND = 253_402_300_799L;

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("sub", 42),
                Arguments.of("sub", Map.of("id", "alice")),
                Arguments.of("sub", List.of("alice")),
                Arguments.of("sub", true),
                Arguments.of("client_id", 42),
                Arguments.of("azp", List.of("vscode")),
                Arguments.of("cid", false),
                Arguments.of("jti", 7),
                Arguments.of("scope", List.of("mcp:tools:call")),
                Arguments.of("scope", 1),
                Arguments.of("scp", 42),
                Arguments.of("scp", List.of(1, 2)),
                Arguments.of("scp", Arrays.asList("mcp:tools:call", null)),
                Arguments.of("scp", List.of("mcp:tools:call", List.of("x"))),
                Arguments.of("act", "mcp-server"),
                Arguments.of("act", List.of(Map.of("sub", "mcp-server"))),
                Arguments.of("act", Map.of("sub", 42)),
                Arguments.of("act", Map.of("sub", "mcp-server", "act", "gateway")),
                Arguments.of("act", Map.of("sub", "mcp-server", "act", Map.of("client_id", 3))),
                Arguments.of("cnf", "thumbprint"),
                Arguments.of("cnf", List.of()),
                Arguments.of("cnf", Map.of("jkt", 42)),
                Arguments.of("aud", List.of("mcpserver", 1)),
                Arguments.of("iss", 7));
    }

    // 37
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("wrongTypes")
    void rejectsARegisteredClaimOfTheWrongJsonType(String claim, Object value) throws Exception {
        // scp carries the required scope, so only the type of the claim under test can fail it.
        String token = token().claim("scope", null).claim("scp", List.of(SCOPE)).claim(claim, value).sign();

        TokenValidationException e = assertInvalid(validator(), token);

        assertThat(e.description()).isEqualTo("token claim " + claim + " has the wrong type");
    }

    @Test
    void acceptsEveryRegisteredClaimWithItsRightType() throws Exception {
        String token = token().claim("client_id", "vscode").claim("azp", "vscode").claim("cid", "vscode")
                .claim("scp", List.of("openid")).claim("act", Map.of("sub", "mcp-server", "act", Map.of("sub", "gw")))
                .claim("cnf", Map.of("x5t#S256", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")).sign();

        ValidatedToken t = validator().validate(token);

        assertThat(t.subject()).isEqualTo("alice");
        assertThat(t.scopes()).containsExactly(SCOPE, "openid");
        assertThat(t.actor()).get().extracting(ValidatedToken.Actor::subject).isEqualTo("mcp-server");
    }

    @Test
    void acceptsScpAsASpaceSeparatedString() throws Exception {
        String token = token().claim("scope", null).claim("scp", "openid " + SCOPE).sign();

        assertThat(validator().validate(token).scopes()).containsExactly("openid", SCOPE);
    }

    static Stream<Arguments> outOfRangeDates() {
        return Stream.of(
                Arguments.of("exp", -9_223_372_036_854_776L),
                Arguments.of("exp", LAST_SECOND + 1),
                Arguments.of("exp", Long.MAX_VALUE),
                Arguments.of("exp", 1e300),
                Arguments.of("exp", -1L),
                Arguments.of("nbf", -9_223_372_036_854_776L),
                Arguments.of("nbf", -1L),
                Arguments.of("nbf", LAST_SECOND + 1),
                Arguments.of("iat", -9_223_372_036_854_776L),
                Arguments.of("iat", -1L),
                Arguments.of("iat", -0.5),
                Arguments.of("iat", Long.MIN_VALUE));
    }

    // 38
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("outOfRangeDates")
    void rejectsANumericDateOutsideTheYears1970To9999(String claim, Number value) throws Exception {
        TokenValidationException e = assertInvalid(validator(), token().claim(claim, value).sign());

        assertThat(e.description()).isEqualTo("token claim " + claim + " is out of range");
    }

    @Test
    void rejectsTheOverflowingExpiryThatWouldReadAsTheYear292278994() throws Exception {
        TokenValidationException e = assertInvalid(validator(), token().claim("exp", -9_223_372_036_854_776L).sign());

        assertThat(e.description()).isEqualTo("token claim exp is out of range");
        assertThat(audit.lastValidation().accepted()).isFalse();
    }

    @Test
    void acceptsAnExpiryInTheLastSecondOfYear9999() throws Exception {
        ValidatedToken t = validator().validate(token().claim("exp", LAST_SECOND).sign());

        assertThat(t.expiresAt()).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    }

    @Test
    void acceptsAFractionalNumericDate() throws Exception {
        // RFC 7519 §2: a NumericDate may be non-integer.
        long exp = clock.instant().plusSeconds(300).getEpochSecond();
        ValidatedToken t = validator().validate(token().claim("exp", exp + 0.75).claim("iat", 1.5e9).sign());

        assertThat(t.expiresAt()).isEqualTo(Instant.ofEpochSecond(exp));
    }

    @Test
    void rejectsANumericDateThatIsNotANumber() throws Exception {
        TokenValidator v = validator();

        assertThat(assertInvalid(v, token().claim("iat", "yesterday").sign()).description())
                .isEqualTo("token claim iat has the wrong type");
        assertThat(assertInvalid(v, token().claim("nbf", List.of(1)).sign()).description())
                .isEqualTo("token claim nbf has the wrong type");
        assertThat(assertInvalid(v, token().claim("exp", true).sign()).description())
                .isEqualTo("token claim exp has the wrong type");
    }
}
