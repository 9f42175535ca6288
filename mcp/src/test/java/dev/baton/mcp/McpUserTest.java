package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ValidatedToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signed-in user in tool handlers: the context extractor carries the token the filter accepted
 * to sync and async handlers, which run on other threads than the servlet request.
 */
class McpUserTest {
    @Test
    void syncHandlerSeesTheUserOfEachRequest() {
        try (McpTestServer server = McpTestServer.start(b -> { })) {
            String alice = server.token("alice", "mcp:tools:call");
            String bob = server.token("bob", "mcp:tools:call");

            HttpResponse<String> asAlice = Raw.post(URI.create(server.endpoint()), alice, Raw.callTool("whoami"),
                    "Mcp-Session-Id", Raw.initialize(server, alice));
            HttpResponse<String> asBob = Raw.post(URI.create(server.endpoint()), bob, Raw.callTool("whoami"),
                    "Mcp-Session-Id", Raw.initialize(server, bob));

            assertThat(asAlice.body()).contains("whoami for alice");
            assertThat(asBob.body()).contains("whoami for bob");
        }
    }

    @Test
    void asyncHandlerOnAReactorThreadSeesTheUser() {
        try (McpTestServer server = McpTestServer.start(b -> { }, List.of(), true)) {
            String carol = server.token("carol", "mcp:tools:call");

            HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), carol, Raw.callTool("whoami"),
                    "Mcp-Session-Id", Raw.initialize(server, carol));

            assertThat(response.body()).contains("async whoami for carol");
            assertThat(server.calls).singleElement().asString().startsWith("async whoami as carol on parallel-");
        }
    }

    @Test
    void contextWithTheTokenGivesTheUser() {
        ValidatedToken token = ValidatedToken.of("t", Map.of("sub", "dora", "iss", "https://idp.example"));

        assertThat(McpUser.of(McpTransportContext.create(Map.of(McpUser.CONTEXT_KEY, token)))).contains(token);
    }

    @Test
    void emptyOrMissingContextGivesNoUser() {
        assertThat(McpUser.of(McpTransportContext.EMPTY)).isEmpty();
        assertThat(McpUser.of((McpTransportContext) null)).isEmpty();
        assertThat(McpUser.of(McpTransportContext.create(Map.of(McpUser.CONTEXT_KEY, "not a token")))).isEmpty();
    }

    @Test
    void requireWithoutAUserExplainsTheWiring() {
        McpAsyncServerExchange async = new McpAsyncServerExchange("s", null, null, null, McpTransportContext.EMPTY);

        assertThatThrownBy(() -> McpUser.require(new McpSyncServerExchange(async)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("McpUser.contextExtractor()");
        assertThatThrownBy(() -> McpUser.require(async)).isInstanceOf(IllegalStateException.class);
    }
}
