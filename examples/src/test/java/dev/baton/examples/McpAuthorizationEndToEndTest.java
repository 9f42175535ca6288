package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.examples.client.McpClients;
import dev.baton.examples.client.McpClients.Refusal;
import dev.baton.examples.countries.CountriesMcpServer;
import dev.baton.examples.countries.CountriesTools;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example's MCP-specific authorization, end to end against the real stack (embedded
 * authorization server, Apollo backend, countries MCP server behind {@code McpAuthorizationFilter}):
 * step-up to {@value CountriesTools#DETAILS_SCOPE} for {@value CountriesTools#DETAILS_TOOL}, sessions
 * bound to their user, and DNS-rebinding protection. Users sign in with the authorization code flow
 * and PKCE, asking for the scopes named here or in a challenge.
 */
class McpAuthorizationEndToEndTest extends ExampleStackTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String BASE_SCOPE = "mcp:tools:call";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    @Test
    void detailsWithTheBaseScopeAreChallengedForTheBaseAndTheDetailsScope() throws Exception {
        String bob = as.signIn("bob", endpoint, BASE_SCOPE);

        Refusal refusal = detailsRefusal(bob);

        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.parameter("error")).contains("insufficient_scope");
        assertThat(refusal.parameter("scope")).contains(BASE_SCOPE + " " + CountriesTools.DETAILS_SCOPE);
        assertThat(refusal.parameter("resource_metadata"))
                .hasValueSatisfying(url -> assertThat(url).endsWith("/.well-known/oauth-protected-resource/mcp"));
    }

    @Test
    void signingInAgainWithTheChallengesScopeGetsTheDetails() throws Exception {
        String scope = detailsRefusal(as.signIn("bob", endpoint, BASE_SCOPE)).parameter("scope").orElseThrow();

        String stepUp = as.signIn("bob", endpoint, scope);
        try (McpSyncClient client = McpClients.client(endpoint, stepUp)) {
            client.initialize();
            CallToolResult details = McpClients.call(client, CountriesTools.DETAILS_TOOL, Map.of("code", "PT"));
            CallToolResult basic = McpClients.call(client, "get_country", Map.of("code", "PT"));

            assertThat(details.isError()).isFalse();
            JsonNode country = JSON.readTree(McpClients.text(details));
            assertThat(country.path("name").asString()).isEqualTo("Portugal");
            assertThat(country.path("continent").path("countries").size()).isGreaterThan(40);
            assertThat(basic.isError()).as("the step-up kept " + BASE_SCOPE).isFalse();
        }
        backend.awaitLine(line -> line.contains(" sub=bob ") && line.endsWith("operation=GetCountryDetails"), WAIT);
    }

    @Test
    void metadataAdvertisesTheDetailsScope() throws Exception {
        assertThat(metadata(endpoint).path("scopes_supported").toString())
                .contains(BASE_SCOPE).contains(CountriesTools.DETAILS_SCOPE).doesNotContain("offline_access");
    }

    @Test
    void metadataKeepsTheScopesOfScopesSupportedBesidesTheDetailsScope() throws Exception {
        try (CountriesMcpServer server = stack.startAnotherServer(
                stack.config().withEnvironment(Map.of("SCOPES_SUPPORTED", "openid")),
                CountriesMcpServer.BACKEND_CALL_TIMEOUT)) {
            JsonNode metadata = metadata(server.endpoint());

            assertThat(metadata.path("scopes_supported").toString())
                    .isEqualTo("[\"" + BASE_SCOPE + "\",\"openid\",\"" + CountriesTools.DETAILS_SCOPE + "\"]");
        }
    }

    @Test
    void aliceSessionWithBobsTokenIsAnUnknownSessionAndNeverServed() throws Exception {
        String alice = as.signIn("alice-session-owner", endpoint, BASE_SCOPE);
        String bob = as.signIn("bob-session-thief", endpoint, BASE_SCOPE);
        HttpResponse<String> init = post(alice, INITIALIZE);
        String aliceSession = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(alice, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "Mcp-Session-Id", aliceSession);

        HttpResponse<String> asBob = post(bob, getCountry("ES"), "Mcp-Session-Id", aliceSession);
        HttpResponse<String> asAlice = post(alice, getCountry("FR"), "Mcp-Session-Id", aliceSession);

        assertThat(asBob.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(asBob.body()).path("error").path("message").asString()).isEqualTo("Session not found");
        assertThat(asAlice.statusCode()).isEqualTo(200);
        assertThat(asAlice.body()).contains("France");
        // alice's call was answered after bob's was refused; the backend logs in order, so a call
        // made for bob would show before alice's line.
        backend.awaitLine(line -> line.contains(" sub=alice-session-owner "), WAIT);
        assertThat(backend.lines()).noneSatisfy(line -> assertThat(line).contains("sub=bob-session-thief"));
    }

    @Test
    void foreignOriginIsRefusedBeforeAnyTokenOrSession() throws Exception {
        HttpResponse<String> response = post(as.signIn("erin", endpoint, BASE_SCOPE), INITIALIZE,
                "Origin", "http://evil.example");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    private static JsonNode metadata(String mcpEndpoint) throws Exception {
        URI uri = URI.create(mcpEndpoint.replace("/mcp", "/.well-known/oauth-protected-resource/mcp"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static Refusal detailsRefusal(String token) {
        try (McpSyncClient client = McpClients.client(endpoint, token)) {
            client.initialize();
            Throwable failure = catchThrowable(() -> McpClients.call(client, CountriesTools.DETAILS_TOOL,
                    Map.of("code", "ES")));
            return McpClients.refusal(failure).orElseThrow(() -> new AssertionError("not an HTTP refusal", failure));
        }
    }

    private static String getCountry(String code) {
        return "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"get_country\","
                + "\"arguments\":{\"code\":\"" + code + "\"}}}";
    }

    private static HttpResponse<String> post(String token, String body, String... headers) throws Exception {
        return McpClients.post(HTTP, endpoint, token, body, headers);
    }
}
