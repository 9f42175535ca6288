package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions bound to their user (MCP security best practices, "Session Hijacking"): a session made
 * for one user is, for any other, a session that does not exist.
 */
class SessionBindingTest {
    @RegisterExtension
    static final McpTestServer server = McpTestServer.perTestClass(b -> { });

    @Test
    void aliceSessionWithBobsTokenGets404AndIsNeverServedAsBob() {
        String alice = server.token("alice", "mcp:tools:call");
        String bob = server.token("bob", "mcp:tools:call");
        String aliceSession = Raw.initialize(server, alice);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), bob, Raw.callTool("whoami"),
                "Mcp-Session-Id", aliceSession);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Raw.json(response.body())).containsEntry("jsonrpc", "2.0").containsEntry("id", 7L);
        assertThat(Raw.error(response.body())).containsEntry("code", -32603L).containsEntry("message", "Session not found");
        assertThat(server.calls).doesNotContain("whoami as bob");
    }

    @Test
    void sessionStillServesItsOwnUserAfterAnotherUserWasRefused() {
        String alice = server.token("alice", "mcp:tools:call");
        String aliceSession = Raw.initialize(server, alice);
        Raw.post(URI.create(server.endpoint()), server.token("mallory", "mcp:tools:call"), Raw.callTool("whoami"),
                "Mcp-Session-Id", aliceSession);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice, Raw.callTool("whoami"),
                "Mcp-Session-Id", aliceSession);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("whoami for alice");
    }

    @Test
    void sameUserWithANewTokenKeepsTheSession() {
        String session = Raw.initialize(server, server.token("carol", "mcp:tools:call"));

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()),
                server.token("carol", "mcp:tools:call countries:details"), Raw.callTool("whoami"),
                "Mcp-Session-Id", session);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void getStreamOfAnotherUsersSessionGets404() {
        String aliceSession = Raw.initialize(server, server.token("alice", "mcp:tools:call"));

        HttpResponse<String> response = Raw.send("GET", URI.create(server.endpoint()),
                server.token("bob", "mcp:tools:call"), "Accept", "text/event-stream", "Mcp-Session-Id", aliceSession);

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void deleteByAnotherUserGets404AndTheSessionLivesOn() {
        String alice = server.token("alice", "mcp:tools:call");
        String aliceSession = Raw.initialize(server, alice);

        HttpResponse<String> delete = Raw.send("DELETE", URI.create(server.endpoint()),
                server.token("bob", "mcp:tools:call"), "Mcp-Session-Id", aliceSession);
        HttpResponse<String> call = Raw.post(URI.create(server.endpoint()), alice, Raw.callTool("whoami"),
                "Mcp-Session-Id", aliceSession);

        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(call.statusCode()).isEqualTo(200);
    }

    @Test
    void deletedSessionIsUnknownEvenToItsOwner() {
        String alice = server.token("alice", "mcp:tools:call");
        String aliceSession = Raw.initialize(server, alice);

        HttpResponse<String> delete = Raw.send("DELETE", URI.create(server.endpoint()), alice,
                "Mcp-Session-Id", aliceSession);
        HttpResponse<String> call = Raw.post(URI.create(server.endpoint()), alice, Raw.callTool("whoami"),
                "Mcp-Session-Id", aliceSession);

        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(call.statusCode()).isEqualTo(404);
    }

    @Test
    void sessionIdNeverIssuedGets404() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), server.token("erin", "mcp:tools:call"),
                Raw.callTool("whoami"), "Mcp-Session-Id", "00000000-0000-0000-0000-000000000000");

        assertThat(response.statusCode()).isEqualTo(404);
        // The body was read before the refusal: the client may re-initialize on the same connection.
        assertThat(response.headers().firstValue("Connection")).isEmpty();
        assertThat(server.calls).doesNotContain("whoami as erin");
    }

    @Test
    void sessionIsNeverACredential() {
        String session = Raw.initialize(server, server.token("frank", "mcp:tools:call"));

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), null, Raw.callTool("whoami"),
                "Mcp-Session-Id", session);

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void forgottenBindingIsAnsweredAsAnUnknownSession() {
        try (McpTestServer small = McpTestServer.start(b -> b.sessionBindings(1, Duration.ofHours(1)))) {
            String gina = small.token("gina", "mcp:tools:call");
            String first = Raw.initialize(small, gina);
            String second = Raw.initialize(small, gina);
            // One binding at most: one of the two is forgotten (which one is Caffeine's choice).
            HttpResponse<String> a = Raw.post(URI.create(small.endpoint()), gina, Raw.callTool("whoami"),
                    "Mcp-Session-Id", first);
            HttpResponse<String> b = Raw.post(URI.create(small.endpoint()), gina, Raw.callTool("whoami"),
                    "Mcp-Session-Id", second);

            assertThat(List.of(a.statusCode(), b.statusCode())).containsExactlyInAnyOrder(200, 404);
        }
    }
}
