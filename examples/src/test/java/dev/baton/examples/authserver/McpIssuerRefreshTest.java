package dev.baton.examples.authserver;

import static dev.baton.examples.authserver.RawOAuth.CLIENT;
import static dev.baton.examples.authserver.RawOAuth.claims;
import static dev.baton.examples.authserver.RawOAuth.error;
import static dev.baton.examples.authserver.RawOAuth.ok;
import static dev.baton.examples.authserver.RawOAuth.refreshing;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code mcp} issuer's refresh token grant (RFC 6749 §6), over HTTP. */
class McpIssuerRefreshTest {
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
    void refreshedTokenCarriesTheClaimsOfTheFirst() throws Exception {
        JsonNode first = oauth.signIn("alice", "mcp:tools:call countries:details offline_access");

        JsonNode refreshed = ok(oauth.token(refreshing(first.path("refresh_token").asString())));

        JWTClaimsSet before = claims(first.path("access_token").asString());
        JWTClaimsSet after = claims(refreshed.path("access_token").asString());
        assertThat(after.getJWTID()).isNotEqualTo(before.getJWTID());
        assertThat(after.getSubject()).isEqualTo("alice");
        assertThat(after.getIssuer()).isEqualTo(before.getIssuer());
        assertThat(after.getAudience()).containsExactly("mcpserver");
        assertThat(after.getStringListClaim("scp")).containsExactly("mcp:tools:call", "countries:details", "offline_access");
        assertThat(after.getStringClaim("client_id")).isEqualTo(CLIENT);
        assertThat(refreshed.path("scope").asString()).isEqualTo("mcp:tools:call countries:details offline_access");
    }

    @Test
    void refreshReplacesTheRefreshToken() throws Exception {
        String first = oauth.signIn("bob", "mcp:tools:call offline_access").path("refresh_token").asString();

        String second = ok(oauth.token(refreshing(first))).path("refresh_token").asString();

        assertThat(second).isNotBlank().isNotEqualTo(first);
        assertThat(error(oauth.token(refreshing(first)), 400)).isEqualTo("invalid_grant");
        ok(oauth.token(refreshing(second)));
    }

    @Test
    void refreshByAnotherClientIsRefusedAndLeavesTheTokenToItsClient() throws Exception {
        String refreshToken = oauth.signIn("carol", "mcp:tools:call offline_access").path("refresh_token").asString();
        Map<String, String> stolen = refreshing(refreshToken);
        stolen.put("client_id", "another-client");

        assertThat(error(oauth.token(stolen), 400)).isEqualTo("invalid_grant");
        ok(oauth.token(refreshing(refreshToken)));
    }

    @Test
    void refreshMayNarrowTheScopes() throws Exception {
        String refreshToken = oauth.signIn("dave", "mcp:tools:call countries:details offline_access")
                .path("refresh_token").asString();
        Map<String, String> narrower = refreshing(refreshToken);
        narrower.put("scope", "mcp:tools:call offline_access");

        JsonNode refreshed = ok(oauth.token(narrower));

        assertThat(claims(refreshed.path("access_token").asString()).getStringListClaim("scp"))
                .containsExactly("mcp:tools:call", "offline_access");
    }

    @Test
    void refreshForMoreScopesIsRefusedAndLeavesTheTokenUsable() throws Exception {
        String refreshToken = oauth.signIn("erin", "mcp:tools:call offline_access").path("refresh_token").asString();
        Map<String, String> wider = refreshing(refreshToken);
        wider.put("scope", "mcp:tools:call countries:details offline_access");

        assertThat(error(oauth.token(wider), 400)).isEqualTo("invalid_scope");
        ok(oauth.token(refreshing(refreshToken)));
    }

    @Test
    void refreshForAnotherResourceIsRefusedWithInvalidTarget() throws Exception {
        String refreshToken = oauth.signIn("frank", "mcp:tools:call offline_access").path("refresh_token").asString();
        Map<String, String> other = refreshing(refreshToken);
        other.put("resource", "http://127.0.0.1:2/other");

        assertThat(error(oauth.token(other), 400)).isEqualTo("invalid_target");
    }

    @Test
    void unknownRefreshTokenIsRefusedWithInvalidGrant() throws Exception {
        assertThat(error(oauth.token(refreshing("not-a-refresh-token")), 400)).isEqualTo("invalid_grant");
    }
}
