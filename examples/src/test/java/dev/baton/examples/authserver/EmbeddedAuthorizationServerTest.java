package dev.baton.examples.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.DPoPKey;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The embedded authorization server issues and exchanges the tokens the demo relies on, on the wire. */
class EmbeddedAuthorizationServerTest {
    private static final String RESOURCE = "http://127.0.0.1:1/mcp";
    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    @StartedAuthorizationServer
    private static EmbeddedAuthorizationServer as;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void signInYieldsATokenForTheMcpServerWithTheUserAsSubject() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(as.signIn("alice", RESOURCE)).getJWTClaimsSet();

        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getIssuer()).isEqualTo(as.issuer("mcp")).startsWith("http://127.0.0.1:");
        assertThat(claims.getAudience()).containsExactly("mcpserver");
        assertThat(claims.getStringListClaim("scp")).containsExactly("mcp:tools:call");
    }

    @Test
    void tokenExchangeKeepsTheSubjectAndTargetsTheBackend() throws Exception {
        String userToken = as.signIn("bob", RESOURCE);

        DPoPKey key = DPoPKey.generate();

        HttpResponse<String> response = DPoPExchangeRouteTest.exchangeWithNonce(as, userToken, key);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = JsonMapper.builder().build().readTree(response.body());
        assertThat(json.get("issued_token_type").asString()).isEqualTo(ACCESS_TOKEN_TYPE);
        assertThat(json.get("token_type").asString()).isEqualTo("DPoP");
        assertThat(json.get("expires_in").asInt()).isPositive();
        JWTClaimsSet claims = SignedJWT.parse(json.get("access_token").asString()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("bob");
        assertThat(claims.getIssuer()).isEqualTo(as.issuer("backend"));
        assertThat(claims.getAudience()).containsExactly("backend");
        assertThat(claims.getStringListClaim("scp")).containsExactly("backend-api:read");
        assertThat(claims.getStringClaim("client_id")).isEqualTo(EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID);
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("sub", EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID);
        assertThat(claims.getJSONObjectClaim("cnf")).containsEntry("jkt", key.thumbprint());
    }

    @Test
    void refusesTokenExchangeWithAWrongClientSecret() throws Exception {
        HttpResponse<String> response = exchange(as.signIn("alice", RESOURCE), "not-the-secret");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"invalid_client\"");
    }

    @Test
    void refusesTokenExchangeOfATokenNotMeantForTheMcpServer() throws Exception {
        String otherAudience = as.mintMcpToken("alice", List.of("some-other-api"), List.of("mcp:tools:call"));

        HttpResponse<String> response = exchange(otherAudience, EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"invalid_grant\"");
    }

    @Test
    void refusesTokenExchangeForAnotherAudience() throws Exception {
        HttpResponse<String> response = post(exchangeForm(as.signIn("alice", RESOURCE), "audience", "mcpserver"),
                EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"invalid_target\"");
    }

    @Test
    void refusesTokenExchangeForTwoAudiences() throws Exception {
        String body = form(exchangeForm(as.signIn("alice", RESOURCE), Map.of())) + "&audience=other";

        HttpResponse<String> response = postRaw(body, EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"invalid_target\"");
    }

    @Test
    void refusesTokenExchangeForAScopeBeyondTheBackendRead() throws Exception {
        HttpResponse<String> response = post(
                exchangeForm(as.signIn("alice", RESOURCE), "scope", "backend-api:read backend-api:write"),
                EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"invalid_scope\"");
    }

    @Test
    void refusesTokenExchangeOfAnotherSubjectTokenType() throws Exception {
        HttpResponse<String> response = post(exchangeForm(as.signIn("alice", RESOURCE),
                "subject_token_type", "urn:ietf:params:oauth:token-type:id_token"),
                EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"invalid_request\"");
    }

    @Test
    void refusesClientCredentialsAtTheBackendIssuerEvenForTheTrustedClient() throws Exception {
        HttpResponse<String> response = post(Map.of("grant_type", "client_credentials", "scope", "backend-api:read"),
                EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"unauthorized_client\"").doesNotContain("access_token");
    }

    @Test
    void refusesThePasswordGrantAtTheBackendIssuer() throws Exception {
        HttpResponse<String> response = post(
                Map.of("grant_type", "password", "username", "alice", "password", "x", "scope", "backend-api:read"),
                EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"unauthorized_client\"").doesNotContain("access_token");
    }

    @Test
    void refusesTheAuthorizationCodeGrantAtTheBackendIssuer() throws Exception {
        HttpResponse<String> response = post(Map.of("grant_type", "authorization_code", "code", "anything",
                "redirect_uri", EmbeddedAuthorizationServer.SIGN_IN_REDIRECT_URI),
                EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"unauthorized_client\"").doesNotContain("access_token");
    }

    @Test
    void refusesTheBackendIssuersLoginPage() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(as.issuer("backend")
                        + "/authorize?response_type=code&client_id=vscode&scope=openid&state=s&redirect_uri="
                        + URLEncoder.encode(EmbeddedAuthorizationServer.SIGN_IN_REDIRECT_URI, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"unauthorized_client\"");
    }

    @Test
    void refusesALoginWithOptionalClaimsAtTheBackendIssuer() throws Exception {
        String claims = "{\"aud\":[\"backend\"],\"scp\":[\"backend-api:read\"]}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(as.issuer("backend")
                        + "/authorize?response_type=code&client_id=vscode&scope=openid&state=s&redirect_uri="
                        + URLEncoder.encode(EmbeddedAuthorizationServer.SIGN_IN_REDIRECT_URI, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", "mallory", "claims", claims))))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    private static HttpResponse<String> exchange(String subjectToken, String secret) throws Exception {
        return post(exchangeForm(subjectToken, Map.of()), secret);
    }

    private static Map<String, String> exchangeForm(String subjectToken, String name, String value) {
        return exchangeForm(subjectToken, Map.of(name, value));
    }

    private static Map<String, String> exchangeForm(String subjectToken, Map<String, String> overrides) {
        Map<String, String> form = new TreeMap<>(Map.of(
                "grant_type", TOKEN_EXCHANGE,
                "subject_token", subjectToken,
                "subject_token_type", ACCESS_TOKEN_TYPE,
                "audience", "backend",
                "scope", "backend-api:read"));
        form.putAll(overrides);
        return form;
    }

    private static String form(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static HttpResponse<String> post(Map<String, String> form, String secret) throws Exception {
        return postRaw(form(form), secret);
    }

    private static HttpResponse<String> postRaw(String body, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString(
                (EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(as.tokenEndpoint("backend")))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
