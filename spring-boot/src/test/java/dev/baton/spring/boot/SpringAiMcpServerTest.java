package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ValidatedToken;
import dev.baton.mcp.McpUser;
import dev.baton.testkit.TestAuthorizationServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * A Spring AI MCP server (spring-ai-starter-mcp-server-webmvc, Tomcat) configured only with
 * {@code baton.*} properties: the user reaches {@code @McpTool} methods through the transport
 * context and the thread, RestClient and OkHttp calls made in tools carry the exchanged token, and
 * a refused exchange is a tool error with a safe message — never an HTTP 500.
 */
class SpringAiMcpServerTest {
    static final MockWebServer idpServer = new MockWebServer();
    static final MockWebServer backend = new MockWebServer();
    static final AtomicBoolean refuseExchange = new AtomicBoolean();
    static TestAuthorizationServer idp;
    static ConfigurableApplicationContext app;
    static String mcp;

    @BeforeAll
    static void start() throws IOException {
        idpServer.start();
        backend.start();
        idp = new TestAuthorizationServer(idpServer, "/oauth2/mcp").route("/v1/token", r -> refuseExchange.get()
                ? TestAuthorizationServer.json(400, "{\"error\":\"invalid_grant\"}")
                : TestAuthorizationServer.json("{\"access_token\":\"exchanged-for-backend\","
                        + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                        + "\"token_type\":\"Bearer\",\"expires_in\":300}"));
        app = new SpringApplicationBuilder(TestApp.class).properties(
                "server.port=0",
                "spring.ai.mcp.server.name=test",
                "spring.ai.mcp.server.protocol=STREAMABLE",
                "baton.allow-http-on-loopback=true",
                "baton.resource-server.issuer=" + idp.issuer(),
                "baton.resource-server.audience=mcpserver",
                "baton.resource-server.required-scopes=mcp:tools:call",
                "baton.resource-server.resource=http://127.0.0.1/mcp",
                "baton.token-exchange.token-endpoint=" + idp.tokenEndpoint(),
                "baton.token-exchange.client-id=toolhive",
                "baton.token-exchange.client-secret=s3cr3t",
                "baton.routes[0].url=" + backend.url("/graphql"),
                "baton.routes[0].audience=backend",
                "baton.routes[0].name=countries backend",
                "test.backend=" + backend.url("/graphql")).run();
        mcp = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/mcp";
    }

    @AfterAll
    static void stop() throws IOException {
        app.close();
        backend.close();
        idpServer.close();
    }

    @BeforeEach
    void allowExchanges() {
        refuseExchange.set(false);
    }

    private static String token(String subject) {
        return idp.token().subject(subject).audience("mcpserver").scope("mcp:tools:call").sign();
    }

    private static CallToolResult call(String subject, String tool) {
        String token = token(subject);
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(mcp.replace("/mcp", ""))
                .endpoint("/mcp")
                .httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization",
                        "Bearer " + token))
                .build();
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
            client.initialize();
            return client.callTool(CallToolRequest.builder(tool).arguments(Map.of()).build());
        }
    }

    private static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void aRequestWithoutTokenGets401WithTheMetadataLocation() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(mcp))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString()
                .contains("resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource/mcp\"");
        HttpResponse<String> metadata = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(mcp.replace("/mcp", "/.well-known/oauth-protected-resource/mcp"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).contains("\"resource\":\"http://127.0.0.1/mcp\"").contains(idp.issuer());
    }

    @Test
    void theUserReachesTheToolThroughSpringAisOwnTransportContext() {
        assertThat(text(call("alice", "whoami"))).isEqualTo("alice alice");
    }

    @Test
    void aRestClientCallInAToolCarriesTheTokenExchangedForThatUser() throws Exception {
        backend.enqueue(new MockResponse.Builder().body("countries").build());
        CallToolResult result = call("bob", "backend_restclient");
        assertThat(result.isError()).isFalse();
        assertThat(text(result)).isEqualTo("countries");
        RecordedRequest sent = backend.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-for-backend");
    }

    @Test
    void anOkHttpCallInAToolCarriesTheTokenExchangedForThatUser() throws Exception {
        backend.enqueue(new MockResponse.Builder().body("countries").build());
        assertThat(text(call("bob", "backend_okhttp"))).isEqualTo("countries");
        assertThat(backend.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
                .isEqualTo("Bearer exchanged-for-backend");
    }

    @Test
    void aRefusedExchangeInARestClientToolIsASafeToolError() {
        refuseExchange.set(true);
        int before = backend.getRequestCount();
        CallToolResult result = call("mallory", "backend_restclient");
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo("Access to the countries backend was refused: the token exchange failed"
                + " (invalid_grant). Nothing was sent to it.");
        assertThat(backend.getRequestCount()).isEqualTo(before);
    }

    @Test
    void aRefusedExchangeInAToolThatThrowsACheckedExceptionIsAToolErrorNotAnHttp500() {
        refuseExchange.set(true);
        CallToolResult result = call("mallory", "backend_okhttp");
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("Access to the countries backend was refused").doesNotContain("127.0.0.1");
    }

    @Test
    void aToolCallbackToolCallsTheBackendAsTheUser() throws Exception {
        backend.enqueue(new MockResponse.Builder().body("countries").build());
        assertThat(text(call("carol", "legacy_backend"))).contains("countries");
        assertThat(backend.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
                .isEqualTo("Bearer exchanged-for-backend");
    }

    @Test
    void aRefusedExchangeInAToolCallbackToolIsASafeToolError() {
        refuseExchange.set(true);
        CallToolResult result = call("mallory", "legacy_backend");
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo("Access to the countries backend was refused: the token exchange failed"
                + " (invalid_grant). Nothing was sent to it.");
    }

    /** The application: nothing of Baton's but the properties. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean
        Tools tools(RestClient.Builder rest, OkHttpClient okhttp, org.springframework.core.env.Environment env) {
            return new Tools(rest.build(), okhttp, env.getProperty("test.backend"));
        }

        @Bean
        org.springframework.ai.tool.ToolCallbackProvider legacyTools(RestClient.Builder rest,
                org.springframework.core.env.Environment env) {
            return org.springframework.ai.tool.method.MethodToolCallbackProvider.builder()
                    .toolObjects(new LegacyTools(rest.build(), env.getProperty("test.backend"))).build();
        }
    }

    /** A Spring AI {@code @Tool}, which reaches MCP as a ToolCallback. */
    static class LegacyTools {
        private final RestClient rest;
        private final String backendUrl;

        LegacyTools(RestClient rest, String backendUrl) {
            this.rest = rest;
            this.backendUrl = backendUrl;
        }

        @org.springframework.ai.tool.annotation.Tool(name = "legacy_backend", description = "Calls the backend")
        public String legacyBackend() {
            return rest.get().uri(backendUrl).retrieve().body(String.class);
        }
    }

    /** Tools as an application writes them. */
    static class Tools {
        private final RestClient rest;
        private final OkHttpClient okhttp;
        private final String backendUrl;

        Tools(RestClient rest, OkHttpClient okhttp, String backendUrl) {
            this.rest = rest;
            this.okhttp = okhttp;
            this.backendUrl = backendUrl;
        }

        @McpTool(name = "whoami", description = "The signed-in user, from the transport context and the thread")
        public String whoami(McpSyncServerExchange exchange) {
            return McpUser.of(exchange).map(ValidatedToken::subject).orElse("nobody") + " "
                    + dev.baton.ThreadBoundToken.current().map(ValidatedToken::subject).orElse("nobody");
        }

        @McpTool(name = "backend_restclient", description = "Calls the backend with RestClient")
        public String backendWithRestClient() {
            return rest.get().uri(backendUrl).retrieve().body(String.class);
        }

        @McpTool(name = "backend_okhttp", description = "Calls the backend with OkHttp")
        public String backendWithOkHttp() throws IOException {
            try (Response response = okhttp.newCall(new Request.Builder().url(backendUrl).build()).execute()) {
                return response.body().string();
            }
        }
    }
}
