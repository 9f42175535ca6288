package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.testkit.TestAuthorizationServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an active RFC 7662 introspection answer must say before Baton accepts the token: that the
 * token is an access token (docs/security.md case 39: a refresh token is never sent to a resource
 * server, RFC 6749 §1.5), and the registered members in their JSON types and ranges (cases 37, 38).
 */
class IntrospectionAnswerTest extends ValidatorTestSupport {
    private static final String OPAQUE = "opaque-7f3a9c2e1b";

    private TokenValidator introspecting() {
        return builder().requiredScopes(SCOPE)
                .introspection(ClientAuthentication.clientSecretBasic("mcp-server", "s3cret")).build();
    }

    /**
     * Serves an active answer for alice with the required scope and audience, plus {@code extra}
     * name-value pairs ({@code null} removes a member).
     */
    private void answer(Object... extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", true);
        m.put("sub", "alice");
        m.put("client_id", "vscode");
        m.put("scope", SCOPE);
        m.put("aud", AUDIENCE);
        m.put("iss", as.issuer());
        m.put("exp", clock.instant().plusSeconds(300).getEpochSecond());
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                m.remove((String) extra[i]);
            } else {
                m.put((String) extra[i], extra[i + 1]);
            }
        }
        String body = JSONObjectUtils.toJSONString(m);
        as.introspection(token -> TestAuthorizationServer.json(body));
    }

    @Test
    void asksAboutTheTokenAsAnAccessToken() throws Exception {
        answer();

        introspecting().validate(OPAQUE);

        RecordedRequest r;
        do {
            r = server.takeRequest(5, TimeUnit.SECONDS);
        } while (r != null && !r.getUrl().encodedPath().endsWith("/v1/introspect"));
        assertThat(r).isNotNull();
        assertThat(r.getBody().utf8()).contains("token_type_hint=access_token");
    }

    static Stream<Arguments> notAccessTokens() {
        return Stream.of(
                Arguments.of("token_use", "refresh_token"),      // Ory Hydra
                Arguments.of("token_type", "refresh_token"),     // Duende IdentityServer, node-oidc-provider
                Arguments.of("token_type", "Refresh"),
                Arguments.of("token_type", "urn:ietf:params:oauth:token-type:refresh_token"),
                Arguments.of("token_type", "urn:ietf:params:oauth:token-type:id_token"),
                Arguments.of("token_type", "N_A"),               // RFC 8693 §2.2.1: not an access token
                Arguments.of("token_type", "id_token"),
                Arguments.of("token_use", "id"),                 // Amazon Cognito ID token
                Arguments.of("typ", "Refresh"),                  // Keycloak
                Arguments.of("typ", "Offline"),                  // Keycloak offline token
                Arguments.of("typ", "ID"));                      // Keycloak ID token
    }

    // 39
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("notAccessTokens")
    void rejectsAnAnswerThatIdentifiesAnotherKindOfToken(String member, String value) {
        answer(member, value);

        TokenValidationException e = assertInvalid(introspecting(), OPAQUE);

        assertThat(e.description()).isEqualTo("token is not an access token");
    }

    static Stream<Arguments> accessTokens() {
        return Stream.of(
                Arguments.of("token_type", "Bearer"),            // RFC 7662 §2.2 with RFC 6750
                Arguments.of("token_type", "bearer"),
                Arguments.of("token_type", "access_token"),      // Duende IdentityServer
                Arguments.of("token_type", "urn:ietf:params:oauth:token-type:access_token"),
                Arguments.of("token_use", "access_token"),       // Ory Hydra
                Arguments.of("token_use", "access"),             // Amazon Cognito
                Arguments.of("typ", "Bearer"));                  // Keycloak
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("accessTokens")
    void acceptsAnAnswerThatIdentifiesAnAccessToken(String member, String value) throws Exception {
        answer(member, value);

        assertThat(introspecting().validate(OPAQUE).subject()).isEqualTo("alice");
    }

    @Test
    void rejectsOrysRefreshTokenAnswerEvenWithEveryOtherClaimRight() {
        answer("token_use", "refresh_token", "token_type", "bearer");

        assertThat(assertInvalid(introspecting(), OPAQUE).description()).isEqualTo("token is not an access token");
    }

    @Test
    void rejectsATokenKindOfTheWrongJsonType() {
        answer("token_type", List.of("access_token"));

        assertThat(assertInvalid(introspecting(), OPAQUE).description())
                .isEqualTo("token claim token_type has the wrong type");
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("sub", 42),
                Arguments.of("client_id", 42),
                Arguments.of("scope", List.of(SCOPE)),
                Arguments.of("aud", 42),
                Arguments.of("aud", List.of(AUDIENCE, 42)),
                Arguments.of("iss", 42),
                Arguments.of("exp", "tomorrow"),
                Arguments.of("nbf", "yesterday"),
                Arguments.of("iat", Map.of()),
                Arguments.of("act", "mcp-server"),
                Arguments.of("cnf", "thumbprint"));
    }

    // 37
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("wrongTypes")
    void rejectsARegisteredMemberOfTheWrongJsonType(String member, Object value) {
        answer(member, value, "scp", "scope".equals(member) ? SCOPE : null);

        assertThat(assertInvalid(introspecting(), OPAQUE).description())
                .isEqualTo("token claim " + member + " has the wrong type");
    }

    // 38
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dev.baton.TokenValidatorClaimTypesTest#outOfRangeDates")
    void rejectsANumericDateOutsideTheYears1970To9999(String member, Number value) {
        answer(member, value);

        assertThat(assertInvalid(introspecting(), OPAQUE).description())
                .isEqualTo("token claim " + member + " is out of range");
    }
}
