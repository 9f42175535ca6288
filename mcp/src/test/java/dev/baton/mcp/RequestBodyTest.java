package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The body of a POST to the MCP endpoint: read once, bounded, refused when it cannot be authorized
 * (a batch, a document Nimbus cannot read), and handed on byte for byte otherwise.
 */
class RequestBodyTest {
    @RegisterExtension
    static final McpTestServer server = McpTestServer.perTestClass(b -> b.maxRequestBodySize(4096));
    static McpTestServer.Session alice;

    @BeforeAll
    static void openAlicesSession() {
        alice = server.openSession("alice");
    }

    @Test
    void bodyReachesTheApplicationUnchangedThroughGetInputStream() {
        byte[] body = ("{ \"jsonrpc\" : \"2.0\",\n\t\"method\":\"notifications/x\", \"params\":{\"note\":\"caf\u00e9 \\u00e9 \u4e16\"} }  \r\n")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> echoed = echo("/echo/mcp", body);

        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.body()).isEqualTo(body);
    }

    @Test
    void bodyReachesTheApplicationUnchangedThroughGetReader() {
        byte[] body = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\",\"params\":{\"note\":\"\u00fcber\"}}"
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> echoed = echo("/echo/mcp?reader", body);

        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.body()).isEqualTo(body);
    }

    @Test
    void bodyOverTheLimitByContentLengthGets413() {
        String padding = "x".repeat(5000);

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice.token(),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"pad\":\""
                        + padding + "\"}}", "Mcp-Session-Id", alice.id());

        assertThat(response.statusCode()).isEqualTo(413);
        // The body was not read: the connection ends rather than being dropped after the answer.
        assertThat(response.headers().firstValue("Connection")).hasValue("close");
        assertThat(Raw.error(response.body())).containsEntry("code", -32600L);
        assertThat(server.calls).doesNotContain("whoami as alice");
    }

    @Test
    void chunkedBodyOverTheLimitGets413() {
        byte[] huge = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"pad\":\""
                + "y".repeat(6000) + "\"}}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = Raw.send(Raw.request(URI.create(server.endpoint()), alice.token(), "Mcp-Session-Id", alice.id())
                .header("Content-Type", "application/json")
                // No length: java.net.http sends the stream chunked, so the filter finds the size by reading.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Connection")).hasValue("close");
        assertThat(Raw.error(response.body()).get("message").toString()).contains("4096 bytes");
    }

    @Test
    void batchMixingAnAllowedAndAForbiddenToolIsRefusedWith400() {
        String batch = "[" + Raw.callTool("whoami") + "," + Raw.callTool("get_country_details") + "]";

        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice.token(), batch, "Mcp-Session-Id", alice.id());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response.body())).containsEntry("jsonrpc", "2.0").containsEntry("id", null);
        assertThat(Raw.error(response.body())).containsEntry("code", -32600L);
        assertThat(server.calls).noneMatch(call -> call.endsWith("as alice"));
    }

    @Test
    void batchWithLeadingWhitespaceIsRefusedToo() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice.token(),
                " \r\n\t[" + Raw.callTool("whoami") + "]", "Mcp-Session-Id", alice.id());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.error(response.body())).containsEntry("code", -32600L);
    }

    @Test
    void malformedJsonGets400ParseErrorNot500() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice.token(),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", "Mcp-Session-Id", alice.id());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.error(response.body())).containsEntry("code", -32700L);
    }

    @Test
    void documentTheSdksParserAcceptsButNimbusRefusesNeverRunsAForbiddenTool() {
        // Jackson reads 1e400 as a number; Nimbus (Gson) refuses it. Handed on unread, the SDK
        // would run get_country_details without its scope ever being checked.
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice.token(),
                "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"tools/call\",\"params\":{\"name\":\"get_country_details\"}}",
                "Mcp-Session-Id", alice.id());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(server.calls).doesNotContain("get_country_details as alice");
    }

    @Test
    void toolNameThatIsNotAStringIsRefused() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice.token(),
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":5}}",
                "Mcp-Session-Id", alice.id());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response.body())).containsEntry("id", 4L);
        assertThat(Raw.error(response.body())).containsEntry("code", -32600L);
    }

    @Test
    void duplicateNameMembersAreAuthorizedAsTheSdkReadsThem() {
        // Both parsers keep the last duplicate: the forbidden tool is the one checked.
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice.token(),
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\","
                        + "\"name\":\"get_country_details\"}}", "Mcp-Session-Id", alice.id());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(server.calls).doesNotContain("get_country_details as alice");
    }

    @Test
    void responsesPassWithoutAScopeCheck() {
        byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"result\":{}}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> echoed = echo("/echo/mcp", body);

        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.body()).isEqualTo(body);
    }

    @Test
    void allowedCallWithACharsetParameterRuns() {
        HttpResponse<String> response = Raw.send(Raw.request(URI.create(server.endpoint()), alice.token(), "Mcp-Session-Id", alice.id())
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(Raw.callTool("whoami"))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Raw.json(response.body()).get("result").toString()).contains("whoami for alice");
    }

    private static HttpResponse<byte[]> echo(String path, byte[] body) {
        return Raw.send(Raw.request(server.uri(path), alice.token())
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofByteArray());
    }
}
