package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the bearer filter answers keeps its RFC 6750 / RFC 9728 shape behind the MCP filter, and the
 * metadata's {@code scopes_supported} names every scope the tools and methods need.
 */
class ChallengesAndMetadataTest {
    static McpTestServer server;

    @BeforeAll
    static void start() {
        server = McpTestServer.start(b -> b.requireMethodScopes("resources/read", "countries:read"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void missingTokenGets401WithTheBaseScopeAndTheMetadataUrl() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), null, Raw.INITIALIZE);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsExactly(
                        Map.entry("scope", "mcp:tools:call"),
                        Map.entry("resource_metadata",
                                server.uri("/.well-known/oauth-protected-resource/mcp").toString()));
    }

    @Test
    void invalidTokenGets401InvalidToken() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), "not.a.jwt", Raw.INITIALIZE);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("error", "invalid_token");
    }

    @Test
    void tokenWithoutTheBaseScopeGets403FromTheBearerFilter() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), server.token("alice", "openid"),
                Raw.INITIALIZE);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("error", "insufficient_scope").containsEntry("scope", "mcp:tools:call");
    }

    @Test
    void metadataListsTheBaseMethodAndToolScopes() {
        HttpResponse<String> response = Raw.send("GET", server.uri("/.well-known/oauth-protected-resource/mcp"), null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Raw.json(response.body()))
                .containsEntry("resource", server.endpoint())
                .containsEntry("scopes_supported", List.of("mcp:tools:call", "countries:read", "countries:details"))
                .containsEntry("authorization_servers", List.of(server.idp().issuer()));
    }

    @Test
    void configuredScopesSupportedReplaceTheComputedOnes() {
        try (McpTestServer other = McpTestServer.start(b -> b.scopesSupported("mcp:tools:call"))) {
            HttpResponse<String> response = Raw.send("GET", other.uri("/.well-known/oauth-protected-resource"), null);

            assertThat(Raw.json(response.body())).containsEntry("scopes_supported", List.of("mcp:tools:call"));
        }
    }
}
