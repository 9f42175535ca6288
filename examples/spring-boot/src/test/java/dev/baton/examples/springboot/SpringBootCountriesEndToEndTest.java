package dev.baton.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.ExchangeCacheStats;
import dev.baton.TokenExchanger;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.client.McpClients;
import dev.baton.examples.client.McpClients.Refusal;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot countries server end to end over loopback HTTP, with the plain example's embedded
 * authorization server and Apollo backend (Node): the application's only Baton code is its
 * {@code application.yml}; the test overrides only addresses (ports chosen at run time).
 */
class SpringBootCountriesEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static EmbeddedAuthorizationServer as;
    static ApolloBackendProcess backend;
    static ConfigurableApplicationContext app;
    static String endpoint;
    static String base;

    @BeforeAll
    static void start() throws IOException {
        as = EmbeddedAuthorizationServer.start();
        try {
            backend = ApolloBackendProcess.start(ApolloBackendProcess.defaultDirectory(),
                    as.issuer(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID), "backend", List.of("backend-api:read"),
                    line -> { }, Duration.ofSeconds(60));
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            base = "http://127.0.0.1:" + port;
            endpoint = base + "/mcp";
            app = new SpringApplicationBuilder(CountriesApplication.class).properties(
                    "PORT=" + port,
                    "MCP_ISSUER=" + as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID),
                    "MCP_RESOURCE=" + endpoint,
                    "TOKEN_EXCHANGE_ENDPOINT=" + as.tokenEndpoint(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID),
                    "BACKEND_GRAPHQL_URL=" + backend.graphqlUrl()).run();
        } catch (IOException | RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (backend != null) {
            backend.close();
        }
        as.close();
    }

    private static McpSyncClient connect(String token) {
        McpSyncClient client = McpClients.client(endpoint, token);
        client.initialize();
        return client;
    }

    @Test
    void aCallWithoutTokenGets401PointingToTheResourceMetadata() throws Exception {
        HttpResponse<String> response = McpClients.post(HTTP, endpoint, "", "{}");
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        Refusal refusal = new Refusal(401, anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        String metadataUrl = refusal.parameter("resource_metadata").orElseThrow();
        assertThat(metadataUrl).isEqualTo(base + "/.well-known/oauth-protected-resource/mcp");
        assertThat(response.statusCode()).isEqualTo(401);

        HttpResponse<String> metadata = HTTP.send(HttpRequest.newBuilder(URI.create(metadataUrl)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).contains("\"resource\":\"" + endpoint + "\"")
                .contains(as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID)).contains("countries:details");
    }

    @Test
    void aSignedInUserListsTheFiveTools() throws Exception {
        try (McpSyncClient client = connect(as.signIn("alice", endpoint))) {
            assertThat(client.listTools().tools()).extracting(Tool::name).containsExactlyInAnyOrder("get_country",
                    "get_country_details", "list_countries", "list_european_countries", "list_countries_by_continent");
        }
    }

    @Test
    void aliceAndBobEachReachTheBackendAsThemselvesWithABackendTokenOneExchangeEach() throws Exception {
        ExchangeCacheStats before = app.getBean(TokenExchanger.class).cacheStats();
        for (String user : List.of("alice", "bob")) {
            try (McpSyncClient client = connect(as.signIn(user, endpoint))) {
                CallToolResult spain = McpClients.call(client, "get_country", Map.of("code", "es"));
                assertThat(spain.isError()).as(McpClients.text(spain)).isFalse();
                assertThat(McpClients.text(spain)).contains("\"name\":\"Spain\"").contains("\"capital\":\"Madrid\"");
                assertThat(McpClients.call(client, "list_countries_by_continent", Map.of("continent", "SA")).isError())
                        .isFalse();
                assertThat(McpClients.call(client, "list_european_countries", Map.of()).isError()).isFalse();
            }
        }
        ExchangeCacheStats after = app.getBean(TokenExchanger.class).cacheStats();

        for (String user : List.of("alice", "bob")) {
            List<String> lines = backend.awaitLines(line -> line.startsWith("APOLLO_AUDIT ")
                    && line.contains(" sub=" + user + " "), 3, WAIT);
            assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(line).contains("outcome=accepted")
                    .contains(" aud=backend ").contains("scope=\"backend-api:read\"").doesNotContain("mcpserver"));
        }
        assertThat(after.loads() - before.loads()).isEqualTo(2);
        assertThat(after.hits() - before.hits()).isEqualTo(4);
    }

    @Test
    void aToolNeedingAScopeTheTokenLacksGets403WithAStepUpChallenge() throws Exception {
        try (McpSyncClient client = connect(as.signIn("bob", endpoint))) {
            Throwable failure = catchThrowable(() -> McpClients.call(client, "get_country_details", Map.of("code", "PT")));
            Refusal refusal = McpClients.refusal(failure).orElseThrow(() -> new AssertionError("no HTTP refusal", failure));
            assertThat(refusal.status()).isEqualTo(403);
            assertThat(refusal.parameter("error")).contains("insufficient_scope");
            assertThat(refusal.parameter("scope").orElseThrow()).contains("countries:details").contains("mcp:tools:call");
        }
        try (McpSyncClient client = connect(as.signIn("bob", endpoint, "mcp:tools:call countries:details"))) {
            CallToolResult details = McpClients.call(client, "get_country_details", Map.of("code", "PT"));
            assertThat(details.isError()).isFalse();
            assertThat(McpClients.text(details)).contains("Portugal");
        }
    }

    @Test
    void prometheusShowsBatonsMetersAndHealthItsEndpoints() throws Exception {
        try (McpSyncClient client = connect(as.signIn("dave", endpoint))) {
            assertThat(McpClients.call(client, "get_country", Map.of("code", "FR")).isError()).isFalse();
        }
        HttpResponse<String> prometheus = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("baton_validation_seconds_count{cached=\"false\",error=\"none\",outcome=\"accepted\"}")
                .containsPattern("baton_exchange_seconds_count\\{[^}]*audience=\"backend\"")
                .contains("baton_exchange_cache_size_tokens{name=\"batonTokenExchanger\"}")
                .doesNotContain("dave");

        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).containsPattern("\"jwks\":\\{\"status\":\"UP\"")
                .containsPattern("\"token\":\\{\"status\":\"UP\"");
    }

    @Test
    void theBackendNeverReceivesTheUsersOwnToken() throws Exception {
        try (McpSyncClient client = connect(as.signIn("carol", endpoint))) {
            assertThat(McpClients.call(client, "get_country", Map.of("code", "IT")).isError()).isFalse();
        }
        backend.awaitLine(line -> line.contains(" sub=carol "), WAIT);
        assertThat(backend.lines().stream().filter(line -> line.startsWith("APOLLO_AUDIT ")))
                .isNotEmpty().noneSatisfy(line -> assertThat(line).contains("mcpserver"))
                .noneSatisfy(line -> assertThat(line).contains("outcome=rejected"));
    }
}
