package dev.baton;

import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.T0;
import static dev.baton.ExchangeFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.MutableClock;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What Baton accepts back from the token endpoint (RFC 8693 §2.2.1; docs/security.md cases 22–25, 27). */
class TokenExchangerResponseTest {
    private static final String ISSUED_AT = "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"";

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final MutableClock clock = new MutableClock(T0);

    private TokenExchanger exchanger() {
        return ExchangeFixtures.exchanger(server).clock(clock).noCache().build();
    }

    private ExchangedToken exchange(String body) throws TokenExchangeException {
        server.enqueue(json(200, body));
        return exchanger().exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
    }

    private void assertUnusable(MockResponse response) {
        server.enqueue(response);
        TokenExchanger exchanger = exchanger();
        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOfSatisfying(TokenExchangeException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.error()).isNull();
                    assertThat(e.getMessage()).doesNotContain(SUBJECT_TOKEN);
                });
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void returnsIssuedTokenWithItsTypes() throws Exception {
        ExchangedToken token = exchange("{\"access_token\":\"backend-token\",\"token_type\":\"Bearer\","
                + ISSUED_AT + ",\"expires_in\":300}");

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(token.isBearer()).isTrue();
        assertThat(token.issuedTokenType()).isEqualTo(TokenType.ACCESS_TOKEN);
        assertThat(token.expiresAt()).isEqualTo(T0.plusSeconds(300));
    }

    @Test
    void acceptsBearerInAnyLetterCase() throws Exception {
        ExchangedToken token = exchange("{\"access_token\":\"t\",\"token_type\":\"bEARer\"," + ISSUED_AT + "}");

        assertThat(token.isBearer()).isTrue();
    }

    @Test
    void exposesNarrowerGrantedScope() throws Exception {
        server.enqueue(json(200, "{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT
                + ",\"scope\":\"backend-api:read\"}"));

        ExchangedToken token = exchanger().exchange(ExchangeRequest.builder()
                .subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN)
                .scopes("backend-api:read", "backend-api:write").build());

        assertThat(token.scopes()).containsExactly("backend-api:read");
    }

    @Test
    void grantedScopeDefaultsToRequestedWhenOmitted() throws Exception {
        ExchangedToken token = exchange("{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT + "}");

        assertThat(token.scopes()).containsExactly("backend-api:read");
    }

    @Test
    void acceptsNonBearerTokenTypeWhenAnotherTokenTypeWasRequested() throws Exception {
        server.enqueue(json(200, "{\"access_token\":\"eyJ.id.token\",\"token_type\":\"N_A\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id_token\"}"));

        ExchangedToken token = exchanger().exchange(ExchangeRequest.builder()
                .subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN)
                .requestedTokenType(TokenType.ID_TOKEN).build());

        assertThat(token.tokenType()).isEqualTo("N_A");
        assertThat(token.isBearer()).isFalse();
        assertThat(token.issuedTokenType()).isEqualTo(TokenType.ID_TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"N_A", "DPoP", "mac", "\"\""})
    void rejectsNonBearerTokenTypeWhenAnAccessTokenWasWanted(String tokenType) {
        String value = tokenType.startsWith("\"") ? tokenType : "\"" + tokenType + "\"";
        assertUnusable(json(200, "{\"access_token\":\"t\",\"token_type\":" + value + "," + ISSUED_AT + "}"));
    }

    @Test
    void rejectsMissingTokenType() {
        assertUnusable(json(200, "{\"access_token\":\"t\"," + ISSUED_AT + "}"));
    }

    @Test
    void rejectsMissingAccessToken() {
        assertUnusable(json(200, "{\"token_type\":\"Bearer\"," + ISSUED_AT + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "true", "null", "[\"t\"]", "{\"v\":\"t\"}", "\"\""})
    void rejectsAccessTokenThatIsNotANonEmptyString(String value) {
        assertUnusable(json(200, "{\"access_token\":" + value + ",\"token_type\":\"Bearer\"," + ISSUED_AT + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"scope\":42", "\"scope\":[\"backend-api:read\"]", "\"refresh_token\":{\"v\":1}"})
    void rejectsScopeOrRefreshTokenThatIsNotAString(String member) {
        assertUnusable(json(200, "{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT + "," + member + "}"));
    }

    @Test
    void rejectsMissingIssuedTokenType() {
        assertUnusable(json(200, "{\"access_token\":\"t\",\"token_type\":\"Bearer\"}"));
    }

    @Test
    void rejectsIssuedTokenTypeThatIsNotAUri() {
        assertUnusable(json(200, "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"issued_token_type\":\"jwt\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html><body>Login</body></html>", "", "{\"access_token\":\"t\",\"token_ty",
            "[\"access_token\"]", "access_token=t&token_type=Bearer", "null"})
    void rejectsBodyThatIsNotATokenResponse(String body) {
        assertUnusable(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html").body(body).build());
    }

    @Test
    void rejectsHugeBodyWithTheSizeCap() {
        String padding = "x".repeat(TokenExchanger.MAX_RESPONSE_BYTES);
        assertUnusable(json(200, "{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT
                + ",\"padding\":\"" + padding + "\"}"));
    }

    @Test
    void rejectsHugeChunkedBodyWithTheSizeCap() {
        String body = "{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT + ",\"padding\":\""
                + "x".repeat(2 * TokenExchanger.MAX_RESPONSE_BYTES) + "\"}";
        assertUnusable(new MockResponse.Builder().code(200).chunkedBody(body, 4096).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-30", "\"soon\"", "null", "true", "0.4", "-1e30"})
    void usesDefaultLifetimeForUnusableExpiresIn(String expiresIn) throws Exception {
        ExchangedToken token = exchange("{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT
                + ",\"expires_in\":" + expiresIn + "}");

        assertThat(token.expiresAt()).isEqualTo(T0.plus(TokenExchanger.DEFAULT_TOKEN_LIFETIME));
    }

    @Test
    void usesDefaultLifetimeWhenExpiresInIsMissing() throws Exception {
        ExchangedToken token = exchange("{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT + "}");

        assertThat(token.expiresAt()).isEqualTo(T0.plus(TokenExchanger.DEFAULT_TOKEN_LIFETIME));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3601", "315360000", "9223372036854775807", "1e300"})
    void capsHugeExpiresIn(String expiresIn) throws Exception {
        ExchangedToken token = exchange("{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT
                + ",\"expires_in\":" + expiresIn + "}");

        assertThat(token.expiresAt()).isEqualTo(T0.plus(TokenExchanger.DEFAULT_MAX_TOKEN_LIFETIME));
    }

    @Test
    void honoursConfiguredLifetimeBounds() throws Exception {
        server.enqueue(json(200, "{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT
                + ",\"expires_in\":7200}"));
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).clock(clock).noCache()
                .maxTokenLifetime(Duration.ofMinutes(10)).build();

        ExchangedToken token = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    }

    @Test
    void acceptsExpiresInAsDigitString() throws Exception {
        ExchangedToken token = exchange("{\"access_token\":\"t\",\"token_type\":\"Bearer\"," + ISSUED_AT
                + ",\"expires_in\":\"120\"}");

        assertThat(token.expiresAt()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void exchangedTokenToStringNeverShowsTheToken() throws Exception {
        ExchangedToken token = exchange("{\"access_token\":\"backend-secret-token-value\",\"token_type\":\"Bearer\","
                + ISSUED_AT + "}");

        assertThat(token.toString()).doesNotContain("backend-secret-token-value");
    }
}
