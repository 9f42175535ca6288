package dev.baton.examples.authserver;

import static dev.baton.examples.authserver.RawOAuth.CLIENT;
import static dev.baton.examples.authserver.RawOAuth.claims;
import static dev.baton.examples.authserver.RawOAuth.error;
import static dev.baton.examples.authserver.RawOAuth.ok;
import static dev.baton.examples.authserver.RawOAuth.redirectParameters;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The {@code mcp} issuer's authorization code flow, as an MCP client runs it: what it grants and
 * what it refuses, at its authorization and token endpoints, over HTTP.
 */
class McpIssuerSignInTest {
    private static EmbeddedAuthorizationServer as;
    private final RawOAuth oauth = new RawOAuth(as);

    @BeforeAll
    static void start() {
        as = EmbeddedAuthorizationServer.start();
    }

    @AfterAll
    static void stop() {
        as.close();
    }

    @Test
    void loginPageIsShownForARequestWithoutOpenid() throws Exception {
        HttpResponse<String> page = oauth.loginPage(oauth.authorization("mcp:tools:call"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("name=\"username\"").contains("mcp:tools:call");
    }

    @Test
    void signInForExactlyTheAdvertisedScopeYieldsATokenForTheMcpServer() throws Exception {
        JsonNode response = oauth.signIn("alice", "mcp:tools:call");

        JWTClaimsSet token = claims(response.path("access_token").asString());
        assertThat(token.getSubject()).isEqualTo("alice");
        assertThat(token.getIssuer()).isEqualTo(as.issuer("mcp"));
        assertThat(token.getAudience()).containsExactly("mcpserver");
        assertThat(token.getStringListClaim("scp")).containsExactly("mcp:tools:call");
        assertThat(token.getStringClaim("client_id")).isEqualTo(CLIENT);
        assertThat(response.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(response.path("scope").asString()).isEqualTo("mcp:tools:call");
        assertThat(response.has("id_token")).isFalse();
        assertThat(response.has("refresh_token")).isFalse();
    }

    @Test
    void openidAddsAnIdTokenForTheClientWithTheNonce() throws Exception {
        Map<String, String> params = oauth.authorization("openid mcp:tools:call");
        params.put("nonce", "n-42");

        JsonNode response = ok(oauth.token(oauth.codeRedemption(oauth.code(params, "bob"))));

        JWTClaimsSet id = claims(response.path("id_token").asString());
        assertThat(id.getAudience()).containsExactly(CLIENT);
        assertThat(id.getSubject()).isEqualTo("bob");
        assertThat(id.getStringClaim("nonce")).isEqualTo("n-42");
        assertThat(claims(response.path("access_token").asString()).getStringListClaim("scp"))
                .containsExactly("openid", "mcp:tools:call");
    }

    @Test
    void offlineAccessAddsARefreshToken() throws Exception {
        JsonNode response = oauth.signIn("carol", "mcp:tools:call offline_access");

        assertThat(response.path("refresh_token").asString()).isNotBlank();
    }

    @Test
    void grantedScopesAreTheRequestedOnesTheIssuerKnows() throws Exception {
        JsonNode response = oauth.signIn("dave", "mcp:tools:call countries:details admin:everything");

        assertThat(claims(response.path("access_token").asString()).getStringListClaim("scp"))
                .containsExactly("mcp:tools:call", "countries:details");
        assertThat(response.path("scope").asString()).isEqualTo("mcp:tools:call countries:details");
    }

    @Test
    void requestWithoutScopeGetsTheDefaultScope() throws Exception {
        JsonNode response = oauth.signIn("erin", null);

        assertThat(claims(response.path("access_token").asString()).getStringListClaim("scp"))
                .containsExactly("mcp:tools:call");
    }

    @Test
    void requestForOnlyUnknownScopesIsRefusedWithInvalidScope() throws Exception {
        Map<String, String> answer = redirectParameters(oauth.login(oauth.authorization("admin:everything"), "erin"));

        assertThat(answer).containsEntry("error", "invalid_scope").containsEntry("state", "st-1").doesNotContainKey("code");
    }

    @Test
    void authorizationResponseNamesTheIssuer() throws Exception {
        Map<String, String> answer = redirectParameters(oauth.login(oauth.authorization("mcp:tools:call"), "frank"));

        assertThat(answer).containsEntry("iss", as.issuer("mcp")).containsEntry("state", "st-1").containsKey("code");
    }

    @Test
    void requestWithoutPkceIsRefused() throws Exception {
        Map<String, String> params = oauth.authorization("mcp:tools:call");
        params.remove("code_challenge");
        params.remove("code_challenge_method");

        assertThat(redirectParameters(oauth.loginPage(params))).containsEntry("error", "invalid_request");
    }

    @Test
    void plainPkceIsRefused() throws Exception {
        Map<String, String> params = oauth.authorization("mcp:tools:call");
        params.put("code_challenge", oauth.verifier.getValue());
        params.put("code_challenge_method", "plain");

        assertThat(redirectParameters(oauth.loginPage(params))).containsEntry("error", "invalid_request");
    }

    @Test
    void promptNoneGetsLoginRequired() throws Exception {
        Map<String, String> params = oauth.authorization("mcp:tools:call");
        params.put("prompt", "none");

        assertThat(redirectParameters(oauth.loginPage(params))).containsEntry("error", "login_required");
    }

    @Test
    void resourceWithAFragmentIsRefusedWithInvalidTarget() throws Exception {
        Map<String, String> params = oauth.authorization("mcp:tools:call");
        params.put("resource", "http://127.0.0.1:1/mcp#part");

        assertThat(redirectParameters(oauth.loginPage(params))).containsEntry("error", "invalid_target");
    }

    @Test
    void plainHttpRedirectToAnotherHostIsNeverFollowed() throws Exception {
        Map<String, String> params = oauth.authorization("mcp:tools:call");
        params.put("redirect_uri", "http://attacker.example/callback");

        HttpResponse<String> answer = oauth.login(params, "grace");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void loginPageEscapesWhatTheRequestReflects() throws Exception {
        Map<String, String> params = oauth.authorization("mcp:tools:call");
        params.put("client_id", "<script>alert(1)</script>");

        HttpResponse<String> page = oauth.loginPage(params);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("<script>").contains("&lt;script&gt;");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    }

    @Test
    void userNameWithASpaceIsRefusedWithoutARedirect() throws Exception {
        HttpResponse<String> answer = oauth.login(oauth.authorization("mcp:tools:call"), "alice admin");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void wrongCodeVerifierIsRefusedWithInvalidGrant() throws Exception {
        Map<String, String> form = oauth.codeRedemption(oauth.code(oauth.authorization("mcp:tools:call"), "heidi"));
        form.put("code_verifier", new com.nimbusds.oauth2.sdk.pkce.CodeVerifier().getValue());

        assertThat(error(oauth.token(form), 400)).isEqualTo("invalid_grant");
    }

    @Test
    void tokenRequestWithoutCodeVerifierIsRefusedWithInvalidGrant() throws Exception {
        Map<String, String> form = oauth.codeRedemption(oauth.code(oauth.authorization("mcp:tools:call"), "heidi"));
        form.remove("code_verifier");

        assertThat(error(oauth.token(form), 400)).isEqualTo("invalid_grant");
    }

    @Test
    void codeIsRedeemedOnlyOnce() throws Exception {
        Map<String, String> form = oauth.codeRedemption(oauth.code(oauth.authorization("mcp:tools:call"), "ivan"));
        ok(oauth.token(form));

        assertThat(error(oauth.token(form), 400)).isEqualTo("invalid_grant");
    }

    @Test
    void tokenRequestMustRepeatTheRedirectUri() throws Exception {
        Map<String, String> form = oauth.codeRedemption(oauth.code(oauth.authorization("mcp:tools:call"), "judy"));
        form.put("redirect_uri", "http://127.0.0.1:33419/");

        assertThat(error(oauth.token(form), 400)).isEqualTo("invalid_grant");
    }

    @Test
    void codeIsRedeemedOnlyByItsClient() throws Exception {
        Map<String, String> form = oauth.codeRedemption(oauth.code(oauth.authorization("mcp:tools:call"), "judy"));
        form.put("client_id", "another-client");

        assertThat(error(oauth.token(form), 400)).isEqualTo("invalid_grant");
    }

    @Test
    void tokenRequestForAnotherResourceIsRefusedWithInvalidTarget() throws Exception {
        Map<String, String> form = oauth.codeRedemption(oauth.code(oauth.authorization("mcp:tools:call"), "kim"));
        form.put("resource", "http://127.0.0.1:2/other");

        assertThat(error(oauth.token(form), 400)).isEqualTo("invalid_target");
    }

    @Test
    void otherGrantsAreRefusedAtTheMcpTokenEndpoint() throws Exception {
        HttpResponse<String> clientCredentials = oauth.token(Map.of("grant_type", "client_credentials",
                "client_id", CLIENT, "client_secret", "anything", "scope", "mcp:tools:call"));
        HttpResponse<String> password = oauth.token(Map.of("grant_type", "password", "client_id", CLIENT,
                "username", "alice", "password", "x", "scope", "mcp:tools:call"));

        assertThat(error(clientCredentials, 400)).isEqualTo("unsupported_grant_type");
        assertThat(error(password, 400)).isEqualTo("unsupported_grant_type");
    }

    @Test
    void tokensLiveAsLongAsConfiguredFromTheConfiguredClock() throws Exception {
        Instant then = Instant.parse("2026-01-02T03:04:05Z");
        try (EmbeddedAuthorizationServer fixed = EmbeddedAuthorizationServer.start(Duration.ofSeconds(90),
                Clock.fixed(then, ZoneOffset.UTC))) {
            JsonNode response = new RawOAuth(fixed).signIn("alice", "mcp:tools:call");

            JWTClaimsSet token = claims(response.path("access_token").asString());
            assertThat(token.getIssueTime().toInstant()).isEqualTo(then);
            assertThat(token.getExpirationTime().toInstant()).isEqualTo(then.plusSeconds(90));
            assertThat(response.path("expires_in").asLong()).isEqualTo(90);
        }
    }
}
