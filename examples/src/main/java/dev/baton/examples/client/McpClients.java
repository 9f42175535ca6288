package dev.baton.examples.client;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * MCP Java SDK clients over Streamable HTTP for the demo and the tests, each sending one user's
 * bearer token through the transport's request customizer.
 */
public final class McpClients {
    /** How long any MCP request may take; bounded, so nothing hangs. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private McpClients() {
    }

    /**
     * One raw MCP POST, outside any client session: the JSON-RPC {@code body} with {@code token} as
     * bearer token, the content types Streamable HTTP asks for, and extra {@code headers} given as
     * name, value, name, value... For showing and testing what the server answers on the wire.
     */
    public static HttpResponse<String> post(HttpClient http, String endpoint, String token, String body,
            String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A client for {@code endpoint} ({@code http://host:port/mcp}) that sends
     * {@code Authorization: Bearer token} on every request, or no {@code Authorization} when
     * {@code token} is {@code null}. Not yet initialized.
     */
    public static McpSyncClient client(String endpoint, String token) {
        return clientFor(endpoint, () -> token);
    }

    /**
     * A client for {@code endpoint} that asks {@code token} for the bearer token of each request, so
     * that a refreshed token replaces an expired one within the same MCP session; no
     * {@code Authorization} when it gives {@code null}. Not yet initialized.
     */
    public static McpSyncClient clientFor(String endpoint, Supplier<String> token) {
        URI uri = URI.create(endpoint);
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(uri.getRawPath())
                .connectTimeout(Duration.ofSeconds(5))
                .addHttpRequestCustomizer((request, method, target, body, context) -> {
                    String current = token.get();
                    if (current != null) {
                        request.header("Authorization", "Bearer " + current);
                    }
                })
                .build();
        return McpClient.sync(transport)
                .clientInfo(Implementation.builder("baton-demo-client", "0.1.0").build())
                .requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(REQUEST_TIMEOUT)
                .build();
    }

    /** Calls a tool. */
    public static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
    }

    /** The text content of a tool result, joined. */
    public static String text(CallToolResult result) {
        return result.content().stream()
                .filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }

    /**
     * The HTTP refusal behind an MCP client failure, when there is one (the SDK reports 401 and 403
     * as {@link McpHttpClientTransportAuthorizationException}).
     */
    public static Optional<Refusal> refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException auth && auth.getResponseInfo() != null) {
                return Optional.of(new Refusal(auth.getResponseInfo().statusCode(),
                        auth.getResponseInfo().headers().firstValue("WWW-Authenticate").orElse("")));
            }
        }
        return Optional.empty();
    }

    /**
     * An HTTP refusal of an MCP request.
     *
     * @param status the HTTP status
     * @param wwwAuthenticate the {@code WWW-Authenticate} challenge, or empty
     */
    public record Refusal(int status, String wwwAuthenticate) {
        /** A parameter of the Bearer challenge ({@code error}, {@code scope}, {@code resource_metadata}), if present. */
        public Optional<String> parameter(String name) {
            var matcher = java.util.regex.Pattern.compile("(?:^|[\\s,])" + name + "=\"([^\"]*)\"").matcher(wwwAuthenticate);
            return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
        }
    }
}
