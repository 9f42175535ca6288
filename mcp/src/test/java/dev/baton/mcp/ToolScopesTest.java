package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-tool and per-method scopes with step-up challenges (MCP authorization, "Scope Challenge
 * Handling"): a request whose token lacks them gets 403 {@code insufficient_scope} before the SDK
 * runs anything, with the scopes the configured strategy lists.
 */
class ToolScopesTest {
    @RegisterExtension
    static final McpTestServer server = McpTestServer.perTestClass(b -> b.requireMethodScopes("resources/read", "countries:read"));

    @Test
    void toolWithoutItsScopeGets403InsufficientScopeListingGrantedAndRequiredScopes() {
        String bob = server.token("bob", "mcp:tools:call");
        String session = Raw.initialize(server, bob);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), bob,
                Raw.callTool("get_country_details"), "Mcp-Session-Id", session);

        assertThat(response.statusCode()).isEqualTo(403);
        // Refused after the body was read: the step-up retry may reuse the connection.
        assertThat(response.headers().firstValue("Connection")).isEmpty();
        Map<String, String> challenge = Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertThat(challenge).containsEntry("error", "insufficient_scope")
                .containsEntry("scope", "mcp:tools:call countries:details")
                .containsEntry("resource_metadata", server.uri("/.well-known/oauth-protected-resource/mcp").toString());
        assertThat(server.calls).doesNotContain("get_country_details as bob");
    }

    @Test
    void grantedScopesComeFirstAndAllOfThemAreKept() {
        String carol = server.token("carol", "openid mcp:tools:call profile");
        String session = Raw.initialize(server, carol);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), carol,
                Raw.callTool("get_country_details"), "Mcp-Session-Id", session);

        assertThat(Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("scope", "openid mcp:tools:call profile countries:details");
    }

    @Test
    void challengeNeverListsOfflineAccess() {
        String dave = server.token("dave", "mcp:tools:call offline_access");
        String session = Raw.initialize(server, dave);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), dave,
                Raw.callTool("get_country_details"), "Mcp-Session-Id", session);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("scope", "mcp:tools:call countries:details");
    }

    @Test
    void operationStrategyListsEveryScopeTheToolNeedsAndNothingElse() {
        try (McpTestServer strict = McpTestServer.start(b -> b.scopeChallenge(ScopeChallengeStrategy.REQUIRED_FOR_OPERATION))) {
            String carol = strict.token("carol", "openid mcp:tools:call profile");
            String session = Raw.initialize(strict, carol);

            HttpResponse<String> response = Raw.post(URI.create(strict.endpoint()), carol,
                    Raw.callTool("get_country_details"), "Mcp-Session-Id", session);

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow()))
                    .containsEntry("error", "insufficient_scope")
                    .containsEntry("scope", "mcp:tools:call countries:details");
        }
    }

    @Test
    void toolWithItsScopeRuns() {
        String erin = server.token("erin", "mcp:tools:call countries:details");
        String session = Raw.initialize(server, erin);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), erin,
                Raw.callTool("get_country_details"), "Mcp-Session-Id", session);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("get_country_details for erin");
        assertThat(server.calls).contains("get_country_details as erin");
    }

    @Test
    void toolWithoutARuleNeedsOnlyTheValidatorsScopes() {
        String frank = server.token("frank", "mcp:tools:call");
        String session = Raw.initialize(server, frank);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), frank,
                Raw.callTool("get_country"), "Mcp-Session-Id", session);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.calls).contains("get_country as frank");
    }

    @Test
    void methodWithoutItsScopeGets403BeforeTheResourceIsRead() {
        String gina = server.token("gina", "mcp:tools:call");
        String session = Raw.initialize(server, gina);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), gina,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\",\"params\":{\"uri\":\"countries://all\"}}",
                "Mcp-Session-Id", session);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("scope", "mcp:tools:call countries:read");
        assertThat(server.calls).noneMatch(call -> call.endsWith("as gina"));
    }

    @Test
    void notificationsNeedNoOperationScope() {
        String hank = server.token("hank", "mcp:tools:call");
        String session = Raw.initialize(server, hank);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), hank,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99}}",
                "Mcp-Session-Id", session);

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void sdkClientSeesTheChallengeAndThenSucceedsWithTheWiderToken() {
        String narrow = server.token("ivy", "mcp:tools:call");
        Throwable failure;
        try (McpSyncClient client = client(narrow)) {
            client.initialize();
            failure = catchThrowable(() -> client.callTool(CallToolRequest.builder("get_country_details")
                    .arguments(Map.of()).build()));
        }
        assertThat(failure).isInstanceOf(McpHttpClientTransportAuthorizationException.class);
        McpHttpClientTransportAuthorizationException refusal = (McpHttpClientTransportAuthorizationException) failure;
        assertThat(refusal.getResponseInfo().statusCode()).isEqualTo(403);
        String scope = Raw.bearerParams(refusal.getResponseInfo().headers().firstValue("WWW-Authenticate").orElseThrow())
                .get("scope");

        try (McpSyncClient client = client(server.token("ivy", scope))) {
            client.initialize();
            CallToolResult result = client.callTool(CallToolRequest.builder("get_country_details").arguments(Map.of()).build());

            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(((TextContent) result.content().get(0)).text()).isEqualTo("get_country_details for ivy");
        }
    }

    private static McpSyncClient client(String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(
                        server.uri("").toString())
                .endpoint("/mcp")
                .addHttpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build();
    }
}
