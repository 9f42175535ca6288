package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP 2026-07-28 {@code Mcp-Method} / {@code Mcp-Name} headers: when present they must match
 * the body (400, {@code -32020 HeaderMismatch}), and authorization is decided on the body.
 */
class HeaderConsistencyTest {
    static McpTestServer server;
    static String alice;
    static String session;

    @BeforeAll
    static void start() {
        server = McpTestServer.start(b -> { });
        alice = server.token("alice", "mcp:tools:call");
        session = Raw.initialize(server, alice);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void matchingHeadersPass() {
        HttpResponse<String> response = call(Raw.callTool("whoami"), "Mcp-Method", "tools/call", "Mcp-Name", "whoami");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.calls).contains("whoami as alice");
    }

    @Test
    void methodHeaderThatDiffersFromTheBodyGets400HeaderMismatch() {
        HttpResponse<String> response = call(Raw.callTool("whoami"), "Mcp-Method", "tools/list");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response.body())).containsEntry("jsonrpc", "2.0").containsEntry("id", 7L);
        assertThat(Raw.error(response.body())).containsEntry("code", -32020L);
    }

    @Test
    void forbiddenToolBehindTheNameOfAnAllowedOneGets400AndNeverRuns() {
        HttpResponse<String> response = call(Raw.callTool("get_country_details"),
                "Mcp-Method", "tools/call", "Mcp-Name", "whoami");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.error(response.body())).containsEntry("code", -32020L);
        assertThat(server.calls).doesNotContain("get_country_details as alice");
    }

    @Test
    void forbiddenToolWithHeadersThatMatchIsStillRefusedByScope() {
        HttpResponse<String> response = call(Raw.callTool("get_country_details"),
                "Mcp-Method", "tools/call", "Mcp-Name", base64("get_country_details"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Raw.bearerParams(response.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("error", "insufficient_scope");
        assertThat(server.calls).doesNotContain("get_country_details as alice");
    }

    @Test
    void base64NameIsDecodedBeforeComparing() {
        HttpResponse<String> response = call(Raw.callTool("get_country"), "Mcp-Name", base64("get_country"));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void base64NameOfAnotherToolIsAMismatch() {
        HttpResponse<String> response = call(Raw.callTool("get_country_details"), "Mcp-Name", base64("whoami"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.error(response.body())).containsEntry("code", -32020L);
    }

    @Test
    void base64NameThatDoesNotDecodeIsAMismatch() {
        HttpResponse<String> response = call(Raw.callTool("whoami"), "Mcp-Name", "=?base64?***?=");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.error(response.body())).containsEntry("code", -32020L);
    }

    @Test
    void nameHeaderIsComparedWithTheUriOfAResourceRead() {
        HttpResponse<String> response = call(
                "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"resources/read\",\"params\":{\"uri\":\"countries://all\"}}",
                "Mcp-Method", "resources/read", "Mcp-Name", "countries://other");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response.body())).containsEntry("id", 8L);
        assertThat(Raw.error(response.body())).containsEntry("code", -32020L);
    }

    @Test
    void methodHeaderOnANotificationMustMatchToo() {
        HttpResponse<String> response = call("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":1}}", "Mcp-Method", "notifications/progress");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response.body())).containsEntry("id", null);
        assertThat(Raw.error(response.body())).containsEntry("code", -32020L);
    }

    private static HttpResponse<String> call(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Mcp-Session-Id";
        all[1] = session;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Raw.post(URI.create(server.endpoint()), alice, body, all);
    }

    private static String base64(String value) {
        return "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
