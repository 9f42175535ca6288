package dev.baton.mcp;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Raw MCP requests over loopback with java.net.http, and the few JSON-RPC bodies the tests send. */
final class Raw {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private Raw() {
    }

    /** A {@code tools/call} of {@code tool} with id 7 and no arguments. */
    static String callTool(String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    /**
     * POSTs {@code body} as JSON to {@code uri} with {@code Authorization: Bearer token} (none when
     * {@code token} is null), the Accept header MCP requires, and {@code headerPairs}.
     */
    static HttpResponse<String> post(URI uri, String token, String body, String... headerPairs) {
        return send(request(uri, token, headerPairs)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Sends {@code method} without a body, as {@link #post} does otherwise. */
    static HttpResponse<String> send(String method, URI uri, String token, String... headerPairs) {
        return send(request(uri, token, headerPairs).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    static HttpRequest.Builder request(URI uri, String token, String... headerPairs) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json, text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        return b;
    }

    static <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return CLIENT.send(request.build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Initializes a session as the holder of {@code token}: its {@code Mcp-Session-Id}. */
    static String initialize(McpTestServer server, String token) {
        HttpResponse<String> init = post(URI.create(server.endpoint()), token, INITIALIZE);
        if (init.statusCode() != 200) {
            throw new AssertionError("initialize answered " + init.statusCode() + ": " + init.body());
        }
        String session = init.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new AssertionError("no Mcp-Session-Id"));
        HttpResponse<String> initialized = post(URI.create(server.endpoint()), token, INITIALIZED,
                "Mcp-Session-Id", session);
        if (initialized.statusCode() != 202) {
            throw new AssertionError("notifications/initialized answered " + initialized.statusCode());
        }
        return session;
    }

    /** The JSON object of a body, or of the one {@code data:} line of an SSE body. */
    static Map<String, Object> json(String body) {
        String json = body.strip();
        if (!json.startsWith("{")) {
            json = json.lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip())
                    .findFirst().orElseThrow(() -> new AssertionError("no JSON in " + body));
        }
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The {@code error} member of a JSON-RPC error body. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> error(String body) {
        return (Map<String, Object>) json(body).get("error");
    }

    /**
     * The auth-params of a {@code WWW-Authenticate: Bearer ...} value, unescaping quoted strings.
     * Test-side only: fails on anything but a well-formed Bearer challenge.
     */
    static Map<String, String> bearerParams(String challenge) {
        if (!challenge.startsWith("Bearer ")) {
            throw new AssertionError("not a Bearer challenge: " + challenge);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String part : challenge.substring("Bearer ".length()).split(",\\s*(?=[a-z_]+=\")")) {
            int eq = part.indexOf('=');
            String value = part.substring(eq + 1).strip();
            params.put(part.substring(0, eq).strip(), value.substring(1, value.length() - 1).replace("\\\"", "\""));
        }
        return params;
    }

    /**
     * Sends a hand-written HTTP/1.1 request over a socket (java.net.http cannot set {@code Host})
     * and returns the status code.
     */
    static int rawStatus(URI server, String requestText) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(requestText.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n';) {
                statusLine.append((char) c);
            }
            String[] parts = statusLine.toString().split(" ");
            return Integer.parseInt(parts[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
