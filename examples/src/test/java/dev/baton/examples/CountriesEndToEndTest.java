package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.ExchangeCacheStats;
import dev.baton.ValidatedToken;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.client.McpClients;
import dev.baton.examples.client.McpClients.Refusal;
import dev.baton.examples.countries.CountriesMcpServer;
import dev.baton.redis.testkit.RedisProcess;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole example, end to end over loopback HTTP: the embedded authorization server, the Apollo
 * backend as a Node child process and the countries MCP server, driven by the MCP Java SDK client.
 * Needs Node and npm on the machine (the Maven build runs {@code npm ci}).
 */
class CountriesEndToEndTest extends ExampleStackTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Supersedes the support's {@code stopStack()}: the backend process ends with the stack. */
    @AfterAll
    static void stopStack() {
        if (closeStack()) {
            assertThat(backend.isAlive()).isFalse();
        }
    }

    @Test
    void callWithoutTokenIsChallengedWithTheResourceMetadata() throws Exception {
        Refusal refusal = refusalOf(null);

        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.parameter("error")).isEmpty();
        String metadataUrl = refusal.parameter("resource_metadata").orElseThrow();
        assertThat(metadataUrl).endsWith("/.well-known/oauth-protected-resource/mcp");
        JsonNode metadata = getJson(metadataUrl);
        assertThat(metadata.path("resource").asString()).isEqualTo(endpoint);
        assertThat(metadata.path("authorization_servers").path(0).asString()).isEqualTo(as.issuer("mcp"));
        assertThat(metadata.path("scopes_supported").toString()).contains("mcp:tools:call");
    }

    @Test
    void signedInUserHoldsATokenForTheMcpServer() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(as.signIn("alice", endpoint)).getJWTClaimsSet();

        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getAudience()).containsExactly("mcpserver");
        assertThat(claims.getStringListClaim("scp")).contains("mcp:tools:call");
    }

    @Test
    void signedInUserListsTheFiveTools() throws Exception {
        try (McpSyncClient client = connect(as.signIn("alice", endpoint))) {
            List<String> names = client.listTools().tools().stream().map(Tool::name).toList();

            assertThat(names).containsExactlyInAnyOrder("get_country", "get_country_details", "list_countries",
                    "list_european_countries", "list_countries_by_continent");
        }
    }

    @Test
    void getCountryReturnsTheBackendsData() throws Exception {
        try (McpSyncClient client = connect(as.signIn("alice", endpoint))) {
            CallToolResult result = McpClients.call(client, "get_country", Map.of("code", "es"));

            assertThat(result.isError()).isFalse();
            JsonNode spain = JSON.readTree(McpClients.text(result));
            assertThat(spain.path("name").asString()).isEqualTo("Spain");
            assertThat(spain.path("capital").asString()).isEqualTo("Madrid");
            assertThat(spain.path("currency").asString()).isEqualTo("EUR");
            assertThat(spain.path("continent").path("code").asString()).isEqualTo("EU");
        }
    }

    @Test
    void listCountriesByContinentReturnsTheContinentsCountries() throws Exception {
        try (McpSyncClient client = connect(as.signIn("alice", endpoint))) {
            CallToolResult result = McpClients.call(client, "list_countries_by_continent",
                    Map.of("continent", "South America"));

            assertThat(result.isError()).isFalse();
            List<String> codes = new ArrayList<>();
            JSON.readTree(McpClients.text(result)).forEach(c -> codes.add(c.path("code").asString()));
            assertThat(codes).contains("AR", "BR", "CL").doesNotContain("ES");
        }
    }

    @Test
    void listEuropeanAndAllCountriesWork() throws Exception {
        try (McpSyncClient client = connect(as.signIn("alice", endpoint))) {
            JsonNode europe = JSON.readTree(McpClients.text(McpClients.call(client, "list_european_countries", Map.of())));
            JsonNode all = JSON.readTree(McpClients.text(McpClients.call(client, "list_countries", Map.of())));

            assertThat(europe.size()).isGreaterThan(40);
            assertThat(all.size()).isGreaterThan(europe.size()).isGreaterThanOrEqualTo(240);
        }
    }

    @Test
    void backendSeesTheSignedInUserWithABackendToken() throws Exception {
        String user = "dora";
        try (McpSyncClient client = connect(as.signIn(user, endpoint))) {
            McpClients.call(client, "get_country", Map.of("code", "PT"));
            McpClients.call(client, "list_countries_by_continent", Map.of("continent", "AF"));
        }

        List<String> lines = backend.awaitLines(line -> line.startsWith("APOLLO_AUDIT ") && line.contains(" sub=" + user + " "),
                2, WAIT);
        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains("outcome=accepted")
                .contains(" aud=backend ")
                .contains("scope=\"backend-api:read\"")
                .contains("client_id=" + EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID));
        assertThat(lines.get(0)).endsWith("operation=GetCountry");
        assertThat(lines.get(1)).endsWith("operation=CountriesByContinent");
    }

    @Test
    void backendNeverReceivesATokenForTheMcpServer() throws Exception {
        try (McpSyncClient client = connect(as.signIn("erin", endpoint))) {
            McpClients.call(client, "get_country", Map.of("code", "IT"));
        }
        backend.awaitLine(line -> line.contains(" sub=erin "), WAIT);

        // Over every line of the run: an accepted line names the verified aud, a rejected one the
        // token's unverified_aud, so a user token sent straight through would show mcpserver either way.
        List<String> audit = backend.lines().stream().filter(line -> line.startsWith("APOLLO_AUDIT ")).toList();
        assertThat(audit).isNotEmpty().noneSatisfy(line -> assertThat(line).contains("mcpserver"));
        assertThat(audit).noneSatisfy(line -> assertThat(line).contains("outcome=rejected"));
    }

    @Test
    void everyTokenTheBackendReceivesIsAnExchangedDPoPBoundBackendTokenNeverTheUsersOwn() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.listen();
                ApolloBackendProcess behindProxy = backendBehind(proxy);
                CountriesMcpServer server = stack.startAnotherServer(stack.config().withGraphqlUrl(proxy.url()),
                        CountriesMcpServer.BACKEND_CALL_TIMEOUT)) {
            String userToken = as.signIn("olga", server.endpoint());
            try (McpSyncClient client = connect(server.endpoint(), userToken)) {
                assertThat(McpClients.call(client, "get_country", Map.of("code", "IT")).isError()).isFalse();
                assertThat(McpClients.call(client, "list_countries_by_continent", Map.of("continent", "AF"))
                        .isError()).isFalse();
                assertThat(McpClients.call(client, "list_european_countries", Map.of()).isError()).isFalse();
            }

            // The first call met the backend's DPoP nonce challenge (RFC 9449 §9) and was sent again
            // with the nonce: four requests for three calls, the later calls carrying the nonce.
            // (The backend logs in order: once its third accepted line is read, so is the nonce line.)
            assertThat(behindProxy.awaitLines(line -> line.contains("outcome=accepted") && line.contains(" sub=olga "),
                    3, WAIT)).hasSize(3);
            assertThat(behindProxy.lines()).filteredOn(line -> line.startsWith("APOLLO_DPOP_NONCE ")).hasSize(1);
            assertThat(proxy.forwarded()).hasSize(4).allSatisfy(token -> {
                assertThat(token.subject()).isEqualTo("olga");
                assertThat(token.audience()).containsExactly("backend");
                assertThat(token.tokenFingerprint()).isNotNull().isNotEqualTo(ValidatedToken.fingerprintOf(userToken));
                // RFC 9449 §7.1: a DPoP-bound token with exactly one proof, never a Bearer token.
                assertThat(token.scheme()).isEqualTo("DPoP");
                assertThat(token.proofs()).isEqualTo(1);
            });
        }
    }

    @Test
    void oneExchangePerUserHoweverManyCalls() throws Exception {
        ExchangeCacheStats before = stack.mcpServer().exchanger().cacheStats();
        try (McpSyncClient client = connect(as.signIn("frank", endpoint))) {
            for (String code : List.of("DE", "FR", "NL", "BE")) {
                assertThat(McpClients.call(client, "get_country", Map.of("code", code)).isError()).isFalse();
            }
        }
        ExchangeCacheStats after = stack.mcpServer().exchanger().cacheStats();

        assertThat(after.loads() - before.loads()).isEqualTo(1);
        assertThat(after.hits() - before.hits()).isEqualTo(3);
        assertThat(backend.awaitLines(line -> line.contains(" sub=frank "), 4, WAIT)).hasSize(4);
    }

    @Test
    void tokenForAnotherAudienceIsRefusedWithInvalidToken() throws Exception {
        Refusal refusal = refusalOf(as.mintMcpToken("alice", List.of("some-other-api"), List.of("mcp:tools:call")));

        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.parameter("error")).contains("invalid_token");
        assertThat(refusal.parameter("resource_metadata"))
                .hasValueSatisfying(url -> assertThat(url).endsWith("/.well-known/oauth-protected-resource/mcp"));
    }

    @Test
    void tokenWithoutTheToolsScopeIsRefusedWithInsufficientScope() throws Exception {
        Refusal refusal = refusalOf(as.mintMcpToken("alice", List.of("mcpserver"), List.of("openid")));

        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.parameter("error")).contains("insufficient_scope");
        assertThat(refusal.parameter("scope")).contains("mcp:tools:call");
    }

    @Test
    void refusedTokensNeverReachTheBackend() throws Exception {
        int before = auditLineCount();
        assertThat(refusalOf(as.mintMcpToken("mallory", List.of("some-other-api"), List.of("mcp:tools:call")))
                .status()).isEqualTo(401);
        assertThat(refusalOf(as.mintMcpToken("mallory", List.of("mcpserver"), List.of("openid"))).status())
                .isEqualTo(403);
        // A later call that does reach the backend. Any backend request a refused call had caused
        // would have been logged before that call was answered, so before this one; the backend
        // writes all its lines to one pipe, in order. Once the marker's line is read, the count is
        // final: no waiting for an absence.
        try (McpSyncClient client = connect(as.signIn("marker-after-refusals", endpoint))) {
            assertThat(McpClients.call(client, "get_country", Map.of("code", "MT")).isError()).isFalse();
        }
        backend.awaitLine(line -> line.contains(" sub=marker-after-refusals "), WAIT);

        assertThat(auditLineCount()).isEqualTo(before + 1);
        assertThat(backend.lines()).noneSatisfy(line -> assertThat(line).contains("some-other-api"));
    }

    @Test
    void exchangeForAnAudienceTheBackendIssuerRefusesIsAToolError() throws Exception {
        try (CountriesMcpServer server = stack.startAnotherServer(
                stack.config().withEnvironment(Map.of("TOKEN_EXCHANGE_AUDIENCE", "mcpserver")),
                CountriesMcpServer.BACKEND_CALL_TIMEOUT);
                McpSyncClient client = connect(server.endpoint(), as.signIn("alice", server.endpoint()))) {
            CallToolResult result = McpClients.call(client, "get_country", Map.of("code", "ES"));

            assertThat(result.isError()).isTrue();
            assertThat(McpClients.text(result)).contains("token exchange").contains("invalid_target");
        }
    }

    @Test
    void concurrentUsersAreEachAttributedTheirOwnCalls() throws Exception {
        int callsPerUser = 6;
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<String> failures = new CopyOnWriteArrayList<>();
        try (RecordingProxy proxy = RecordingProxy.listen();
                ApolloBackendProcess behindProxy = backendBehind(proxy);
                CountriesMcpServer server = stack.startAnotherServer(stack.config().withGraphqlUrl(proxy.url()),
                        CountriesMcpServer.BACKEND_CALL_TIMEOUT)) {
            String grace = as.signIn("grace", server.endpoint());
            String heidi = as.signIn("heidi", server.endpoint());
            // Each user's first backend call waits at the proxy for the other's: the calls overlap.
            proxy.holdFirstRequestsUntilAllOf(Set.of("grace", "heidi"));
            ExchangeCacheStats before = server.exchanger().cacheStats();
            try (McpSyncClient graceClient = connect(server.endpoint(), grace);
                    McpSyncClient heidiClient = connect(server.endpoint(), heidi)) {
                // grace only looks countries up, heidi only lists Europe: the operation tells whose call it was.
                Future<?> g = pool.submit(() -> interleave(start, callsPerUser, failures,
                        () -> McpClients.call(graceClient, "get_country", Map.of("code", "SE"))));
                Future<?> h = pool.submit(() -> interleave(start, callsPerUser, failures,
                        () -> McpClients.call(heidiClient, "list_european_countries", Map.of())));
                g.get(60, TimeUnit.SECONDS);
                h.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            ExchangeCacheStats after = server.exchanger().cacheStats();

            assertThat(failures).isEmpty();
            assertThat(proxy.firstRequestsOverlapped()).as("grace's and heidi's calls overlapped").isTrue();
            assertThat(after.loads() - before.loads()).as("one exchange per user").isEqualTo(2);
            List<String> graceLines = behindProxy.awaitLines(line -> line.contains(" sub=grace "), callsPerUser, WAIT);
            List<String> heidiLines = behindProxy.awaitLines(line -> line.contains(" sub=heidi "), callsPerUser, WAIT);
            // Plus the first calls the backend's nonce challenge sent back (both, when they overlapped).
            long nonceChallenges = behindProxy.lines().stream().filter(l -> l.startsWith("APOLLO_DPOP_NONCE ")).count();
            assertThat(nonceChallenges).isBetween(1L, 2L);
            assertThat(proxy.forwarded()).hasSize(2 * callsPerUser + (int) nonceChallenges)
                    .allSatisfy(token -> assertThat(token.audience()).containsExactly("backend"));
            assertThat(graceLines).hasSize(callsPerUser)
                    .allSatisfy(line -> assertThat(line).endsWith("operation=GetCountry"));
            assertThat(heidiLines).hasSize(callsPerUser)
                    .allSatisfy(line -> assertThat(line).endsWith("operation=ListEuropeanCountries"));
        }
    }

    @Test
    void backendDownIsAToolErrorNotAHang() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        String deadUrl = "http://127.0.0.1:" + deadPort + "/graphql";
        try (CountriesMcpServer server = stack.startAnotherServer(
                stack.config().withGraphqlUrl(deadUrl), CountriesMcpServer.BACKEND_CALL_TIMEOUT);
                McpSyncClient client = connect(server.endpoint(), as.signIn("alice", server.endpoint()))) {
            CallToolResult result = McpClients.call(client, "get_country", Map.of("code", "ES"));

            assertThat(result.isError()).isTrue();
            assertThat(McpClients.text(result)).contains("countries backend is unreachable");
        }
    }

    @Test
    void silentBackendTimesOutAsAToolError() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/graphql";
            // 5 s: the bound covers the token exchange too, which can be a cold first one; short
            // enough that a hang would still fail the test long before its own timeouts.
            try (CountriesMcpServer server = stack.startAnotherServer(stack.config().withGraphqlUrl(url),
                    Duration.ofSeconds(5));
                    McpSyncClient client = connect(server.endpoint(), as.signIn("alice", server.endpoint()))) {
                CallToolResult result = McpClients.call(client, "get_country", Map.of("code", "ES"));

                assertThat(result.isError()).isTrue();
                assertThat(McpClients.text(result)).contains("did not answer in time");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void refusedExchangeIsAToolError() throws Exception {
        try (CountriesMcpServer server = stack.startAnotherServer(stack.config().withClientSecret("wrong-secret"),
                CountriesMcpServer.BACKEND_CALL_TIMEOUT);
                McpSyncClient client = connect(server.endpoint(), as.signIn("alice", server.endpoint()))) {
            CallToolResult result = McpClients.call(client, "get_country", Map.of("code", "ES"));

            assertThat(result.isError()).isTrue();
            assertThat(McpClients.text(result)).contains("token exchange").contains("invalid_client");
        }
    }

    @Test
    void invalidArgumentsAreAToolErrorWithoutABackendCall() throws Exception {
        try (McpSyncClient client = connect(as.signIn("ivan", endpoint))) {
            CallToolResult result = McpClients.call(client, "get_country", Map.of("code", "Spain"));

            assertThat(result.isError()).isTrue();
            assertThat(McpClients.text(result)).contains("two-letter");
        }
        assertThat(backend.lines()).noneSatisfy(line -> assertThat(line).contains(" sub=ivan "));
    }

    @Test
    void twoServersSharingARedisExchangeOncePerUser() throws Exception {
        Path dpopKey = Files.createTempFile("fleet-dpop-key", ".json");
        try (RedisProcess redis = RedisProcess.start()) {
            // REDIS_URL, REDIS_SECRET and DPOP_KEY_FILE, as an operator sets them for every replica of
            // a fleet (docs/fleet.md): the exchanged tokens are bound to the fleet's DPoP key.
            Files.writeString(dpopKey, new ECKeyGenerator(Curve.P_256).generate().toJSONString());
            Map<String, String> fleet = Map.of("REDIS_URL", redis.uri(),
                    "REDIS_SECRET", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                    "DPOP_KEY_FILE", dpopKey.toString());
            try (CountriesMcpServer one = stack.startAnotherServer(stack.config().withEnvironment(fleet),
                    CountriesMcpServer.BACKEND_CALL_TIMEOUT);
                    CountriesMcpServer two = stack.startAnotherServer(stack.config().withEnvironment(fleet),
                            CountriesMcpServer.BACKEND_CALL_TIMEOUT)) {
                // Each server connects to Redis in the background when it starts (seconds in a cold
                // JVM, during which it exchanges on its own): a new user per attempt until one is
                // exchanged by the first server and served to the second from Redis, with a deadline.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                boolean shared = false;
                for (int n = 0; !shared && System.nanoTime() < deadline; n++) {
                    String user = "fleet-user-" + n;
                    String token = as.signIn(user, one.endpoint());
                    long loadsTwo = two.exchanger().cacheStats().loads();
                    try (McpSyncClient client = connect(one.endpoint(), token)) {
                        assertThat(McpClients.call(client, "get_country", Map.of("code", "DE")).isError()).isFalse();
                    }
                    try (McpSyncClient client = connect(two.endpoint(), token)) {
                        assertThat(McpClients.call(client, "get_country", Map.of("code", "FR")).isError()).isFalse();
                    }
                    assertThat(backend.awaitLines(line -> line.contains(" sub=" + user + " "), 2, WAIT)).hasSize(2);
                    shared = two.exchanger().cacheStats().loads() == loadsTwo;
                }

                assertThat(shared).as("a user exchanged once for both servers within 30 s").isTrue();
            }
        } finally {
            Files.deleteIfExists(dpopKey);
        }
    }

    private static int auditLineCount() {
        return (int) backend.lines().stream().filter(line -> line.startsWith("APOLLO_AUDIT ")).count();
    }

    private interface Call {
        CallToolResult call();
    }

    private static void interleave(CyclicBarrier start, int calls, List<String> failures, Call call) {
        try {
            start.await(30, TimeUnit.SECONDS);
            for (int i = 0; i < calls; i++) {
                CallToolResult result = call.call();
                if (Boolean.TRUE.equals(result.isError())) {
                    failures.add(McpClients.text(result));
                }
            }
        } catch (Exception e) {
            failures.add(e.toString());
        }
    }

    private static McpSyncClient connect(String token) {
        return connect(endpoint, token);
    }

    private static McpSyncClient connect(String mcpEndpoint, String token) {
        McpSyncClient client = McpClients.client(mcpEndpoint, token);
        client.initialize();
        return client;
    }

    private static Refusal refusalOf(String token) {
        McpSyncClient client = McpClients.client(endpoint, token);
        try (client) {
            Throwable failure = catchThrowable(client::initialize);
            assertThat(failure).as("the MCP server must refuse the request").isNotNull();
            return McpClients.refusal(failure).orElseThrow(() -> new AssertionError("not an HTTP refusal", failure));
        }
    }

    private static JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(WAIT).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
