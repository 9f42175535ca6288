package dev.baton.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.ExchangeCacheStats;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.baton.SharedTokenCache;
import dev.baton.TokenExchanger;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.client.McpClients;
import dev.baton.examples.client.McpClients.Refusal;
import dev.baton.redis.RedisTokenCache;
import dev.baton.redis.testkit.RedisProcess;
import dev.baton.testkit.IssuedSecrets;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
            int port = freePort();
            base = "http://127.0.0.1:" + port;
            endpoint = base + "/mcp";
            app = startServer(port, Map.of());
        } catch (IOException | RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The application on {@code port}, with the addresses of the test's servers and {@code environment}. */
    private static ConfigurableApplicationContext startServer(int port, Map<String, String> environment) {
        Map<String, Object> properties = new HashMap<>(environment);
        properties.put("PORT", port);
        properties.put("MCP_ISSUER", as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID));
        properties.put("MCP_RESOURCE", "http://127.0.0.1:" + port + "/mcp");
        properties.put("TOKEN_EXCHANGE_ENDPOINT", as.tokenEndpoint(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID));
        properties.put("BACKEND_GRAPHQL_URL", backend.graphqlUrl());
        return new SpringApplicationBuilder(CountriesApplication.class).properties(properties).run();
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

    @Test
    void twoServersSharingARedisExchangeOncePerUser() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            // REDIS_URL, REDIS_SECRET and DPOP_KEY, as an operator sets them for every replica of a
            // fleet (application.yml, docs/fleet.md): the exchanged tokens are bound to the fleet's key.
            String dpopKey = IssuedSecrets.remember(new ECKeyGenerator(Curve.P_256).generate().toJSONString());
            Map<String, String> fleet = Map.of("REDIS_URL", redis.uri(),
                    "REDIS_SECRET", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "DPOP_KEY", dpopKey);
            int portOne = freePort();
            int portTwo = freePort();
            try (ConfigurableApplicationContext one = startServer(portOne, fleet);
                    ConfigurableApplicationContext two = startServer(portTwo, fleet)) {
                String endpointOne = "http://127.0.0.1:" + portOne + "/mcp";
                String endpointTwo = "http://127.0.0.1:" + portTwo + "/mcp";
                TokenExchanger exchangerTwo = two.getBean(TokenExchanger.class);
                // Each server connects to Redis in the background when it starts (seconds in a cold
                // JVM, during which it exchanges on its own): a new user per attempt until one is
                // exchanged by the first server and served to the second from Redis, with a deadline.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                boolean shared = false;
                for (int n = 0; !shared && System.nanoTime() < deadline; n++) {
                    String user = "boot-fleet-user-" + n;
                    // One token for both, as behind a load balancer: the shared entry is the exchange of that token.
                    String token = as.signIn(user, endpointOne);
                    long loadsTwo = exchangerTwo.cacheStats().loads();
                    try (McpSyncClient client = McpClients.client(endpointOne, token)) {
                        client.initialize();
                        assertThat(McpClients.call(client, "get_country", Map.of("code", "DE")).isError()).isFalse();
                    }
                    try (McpSyncClient client = McpClients.client(endpointTwo, token)) {
                        client.initialize();
                        assertThat(McpClients.call(client, "get_country", Map.of("code", "FR")).isError()).isFalse();
                    }
                    assertThat(backend.awaitLines(line -> line.contains(" sub=" + user + " "), 2, WAIT)).hasSize(2);
                    shared = exchangerTwo.cacheStats().loads() == loadsTwo;
                }

                assertThat(shared).as("a user exchanged once for both servers within 30 s").isTrue();
                assertThat(one.getBean(SharedTokenCache.class)).isInstanceOf(RedisTokenCache.class);
            }
        }
    }

    @Test
    void withoutRedisUrlTheServerRunsAloneWithoutASharedCache() {
        assertThat(app.getBeanProvider(SharedTokenCache.class).getIfAvailable()).isNull();
    }
}
