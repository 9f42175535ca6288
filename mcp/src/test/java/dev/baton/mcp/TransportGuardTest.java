package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DNS-rebinding protection (MCP Streamable HTTP, "Security Warning"): a foreign {@code Origin} gets
 * 403 before anything else, and a server on a loopback address answers only loopback host names.
 */
class TransportGuardTest {
    @RegisterExtension
    static final McpTestServer server = McpTestServer.perTestClass(b -> { });

    @Test
    void foreignOriginGets403BeforeTheTokenIsAskedFor() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), null, Raw.INITIALIZE,
                "Origin", "http://evil.example");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        // Refused unread: the client learns the connection ends instead of finding it dropped.
        assertThat(response.headers().firstValue("Connection")).hasValue("close");
        assertThat(Raw.json(response.body())).containsEntry("jsonrpc", "2.0").doesNotContainKey("id");
        assertThat(Raw.error(response.body())).containsKey("code");
    }

    @Test
    void foreignOriginGets403EvenWithAValidToken() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), server.token("alice", "mcp:tools:call"),
                Raw.INITIALIZE, "Origin", "http://evil.example");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }

    @Test
    void loopbackOriginOnAnyPortIsAllowedByDefault() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), null, Raw.INITIALIZE,
                "Origin", "http://localhost:6274");

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void resourcesOwnOriginIsAllowedByDefault() {
        URI endpoint = URI.create(server.endpoint());
        HttpResponse<String> response = Raw.post(endpoint, server.token("alice", "mcp:tools:call"), Raw.INITIALIZE,
                "Origin", "http://127.0.0.1:" + endpoint.getPort());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void nullOriginIsNotAllowed() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), null, Raw.INITIALIZE, "Origin", "null");

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void originWithAnotherSchemeIsNotAllowed() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), null, Raw.INITIALIZE,
                "Origin", "chrome-extension://abcdef");

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void foreignPreflightGets403Too() {
        HttpResponse<String> response = Raw.send("OPTIONS", URI.create(server.endpoint()), null,
                "Origin", "https://evil.example", "Access-Control-Request-Method", "POST");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void configuredOriginsReplaceTheDefaults() {
        try (McpTestServer strict = McpTestServer.start(b -> b.allowedOrigins("https://app.example"))) {
            assertOnlyTheConfiguredOriginPasses(strict);
        }
    }

    /** The configured origin reaches the token check (401), a loopback origin is refused (403). */
    private static void assertOnlyTheConfiguredOriginPasses(McpTestServer strict) {
        HttpResponse<String> app = Raw.post(URI.create(strict.endpoint()), null, Raw.INITIALIZE,
                "Origin", "https://app.example");
        HttpResponse<String> local = Raw.post(URI.create(strict.endpoint()), null, Raw.INITIALIZE,
                "Origin", "http://localhost:6274");

        assertThat(app.statusCode()).isEqualTo(401);
        assertThat(local.statusCode()).isEqualTo(403);
    }

    @Test
    void requestWithoutOriginPasses() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), null, Raw.INITIALIZE);

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void aRefusalBeforeTheBodyIsReadEndsTheConnection() {
        HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), null, Raw.INITIALIZE);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Connection")).hasValue("close");
    }

    @Test
    void refusedPostsInARowEachGetTheirAnswer() {
        // Each refusal, written before the body is read, says Connection: close, so the client
        // sends its next POST on a new connection instead of one the server is dropping.
        try (McpTestServer strict = McpTestServer.start(b -> b.allowedOrigins("https://app.example"))) {
            for (int i = 0; i < 50; i++) {
                assertOnlyTheConfiguredOriginPasses(strict);
            }
        }
    }

    @Test
    void foreignHostNameOnALoopbackServerGets403() {
        URI endpoint = URI.create(server.endpoint());

        int status = Raw.rawStatus(endpoint, "POST /mcp HTTP/1.1\r\nHost: rebind.evil.example:" + endpoint.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

        assertThat(status).isEqualTo(403);
    }

    @Test
    void loopbackHostNamesPassToTheTokenCheck() {
        URI endpoint = URI.create(server.endpoint());

        for (String host : new String[] {"localhost", "127.0.0.1", "[::1]"}) {
            int status = Raw.rawStatus(endpoint, "POST /mcp HTTP/1.1\r\nHost: " + host + ":" + endpoint.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

            assertThat(status).as(host).isEqualTo(401);
        }
    }

    @Test
    void configuredHostNamesAreAccepted() {
        try (McpTestServer proxied = McpTestServer.start(b -> b.allowedHosts("mcp.example.com"))) {
            URI endpoint = URI.create(proxied.endpoint());

            int status = Raw.rawStatus(endpoint, "POST /mcp HTTP/1.1\r\nHost: MCP.example.com\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

            assertThat(status).isEqualTo(401);
        }
    }
}
