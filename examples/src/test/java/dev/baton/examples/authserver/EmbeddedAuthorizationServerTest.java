package dev.baton.examples.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The embedded authorization server issues and exchanges the tokens the demo relies on, on the wire. */
class EmbeddedAuthorizationServerTest {
    private static final String RESOURCE = "http://127.0.0.1:1/mcp";
    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private static EmbeddedAuthorizationServer as;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        as = EmbeddedAuthorizationServer.start();
    }

    @AfterAll
    static void stop() {
        as.close();
    }

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

        HttpResponse<String> response = exchange(userToken, EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = JsonMapper.builder().build().readTree(response.body());
        assertThat(json.get("issued_token_type").asString()).isEqualTo(ACCESS_TOKEN_TYPE);
        assertThat(json.get("token_type").asString()).isEqualToIgnoringCase("Bearer");
        assertThat(json.get("expires_in").asInt()).isPositive();
        JWTClaimsSet claims = SignedJWT.parse(json.get("access_token").asString()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("bob");
        assertThat(claims.getIssuer()).isEqualTo(as.issuer("backend"));
        assertThat(claims.getAudience()).containsExactly("backend");
        assertThat(claims.getStringListClaim("scp")).containsExactly("backend-api:read");
        assertThat(claims.getStringClaim("client_id")).isEqualTo(EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID);
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("sub", EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID);
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

    private static HttpResponse<String> exchange(String subjectToken, String secret) throws Exception {
        Map<String, String> form = Map.of(
                "grant_type", TOKEN_EXCHANGE,
                "subject_token", subjectToken,
                "subject_token_type", ACCESS_TOKEN_TYPE,
                "audience", "backend",
                "scope", "backend-api:read");
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
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
