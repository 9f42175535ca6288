package dev.baton.examples.authserver;

import static dev.baton.examples.authserver.RawOAuth.JSON;
import static dev.baton.examples.authserver.RawOAuth.error;
import static dev.baton.examples.authserver.RawOAuth.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code mcp} issuer's metadata (RFC 8414) and dynamic client registration (RFC 7591), over HTTP. */
class McpIssuerMetadataTest {
    private static EmbeddedAuthorizationServer as;
    private static String base;

    @BeforeAll
    static void start() {
        as = EmbeddedAuthorizationServer.start();
        base = as.issuer("mcp").substring(0, as.issuer("mcp").length() - "/mcp".length());
    }

    @AfterAll
    static void stop() {
        as.close();
    }

    @Test
    void pathInsertedMetadataDescribesTheCodeFlowWithS256Only() throws Exception {
        JsonNode metadata = getJson(base + "/.well-known/oauth-authorization-server/mcp");

        assertThat(metadata.path("issuer").asString()).isEqualTo(as.issuer("mcp"));
        assertThat(metadata.path("authorization_endpoint").asString()).isEqualTo(as.issuer("mcp") + "/authorize");
        assertThat(metadata.path("token_endpoint").asString()).isEqualTo(as.tokenEndpoint("mcp"));
        assertThat(metadata.path("registration_endpoint").asString()).isEqualTo(as.issuer("mcp") + "/register");
        assertThat(metadata.path("jwks_uri").asString()).isEqualTo(as.issuer("mcp") + "/jwks");
        assertThat(strings(metadata, "code_challenge_methods_supported")).containsExactly("S256");
        assertThat(strings(metadata, "response_types_supported")).containsExactly("code");
        assertThat(strings(metadata, "grant_types_supported")).containsExactlyInAnyOrder("authorization_code", "refresh_token");
        assertThat(strings(metadata, "scopes_supported"))
                .contains("openid", "offline_access", "mcp:tools:call", "countries:details");
    }

    @Test
    void openIdDiscoveryAndOktasSuffixServeTheSameDocument() throws Exception {
        JsonNode pathInserted = getJson(base + "/.well-known/oauth-authorization-server/mcp");

        assertThat(getJson(as.issuer("mcp") + "/.well-known/openid-configuration")).isEqualTo(pathInserted);
        assertThat(getJson(as.issuer("mcp") + "/.well-known/oauth-authorization-server")).isEqualTo(pathInserted);
    }

    @Test
    void metadataAnswersBrowserPagesWithCors() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(base + "/.well-known/oauth-authorization-server/mcp")).header("Origin", "http://localhost:6274"));

        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void registrationGivesAPublicClient() throws Exception {
        HttpResponse<String> response = register("""
                {"client_name":"MCP Inspector","redirect_uris":["http://localhost:6274/oauth/callback"],
                 "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
                 "token_endpoint_auth_method":"client_secret_basic"}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode client = JSON.readTree(response.body());
        assertThat(client.path("client_id").asString()).isNotBlank();
        assertThat(client.path("token_endpoint_auth_method").asString()).isEqualTo("none");
        assertThat(client.has("client_secret")).isFalse();
        assertThat(strings(client, "redirect_uris")).containsExactly("http://localhost:6274/oauth/callback");
    }

    @Test
    void registrationRefusesPlainHttpToAnotherHost() throws Exception {
        HttpResponse<String> response = register("{\"redirect_uris\":[\"http://attacker.example/cb\"]}");

        assertThat(error(response, 400)).isEqualTo("invalid_redirect_uri");
    }

    @Test
    void registrationRefusesTheImplicitGrant() throws Exception {
        HttpResponse<String> response = register(
                "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"grant_types\":[\"implicit\"],\"response_types\":[\"token\"]}");

        assertThat(error(response, 400)).isEqualTo("invalid_client_metadata");
    }

    @Test
    void registeredClientMustUseARegisteredRedirectUri() throws Exception {
        String clientId = JSON.readTree(register("{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"]}").body())
                .path("client_id").asString();
        RawOAuth oauth = new RawOAuth(as);
        Map<String, String> params = oauth.authorization("mcp:tools:call");
        params.put("client_id", clientId);

        HttpResponse<String> otherRedirect = oauth.loginPage(params);
        params.put("redirect_uri", "http://127.0.0.1:9/cb");
        HttpResponse<String> registeredRedirect = oauth.loginPage(params);

        assertThat(otherRedirect.statusCode()).isEqualTo(400);
        assertThat(otherRedirect.headers().firstValue("Location")).isEmpty();
        assertThat(registeredRedirect.statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> register(String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(as.issuer("mcp") + "/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        node.path(field).forEach(v -> out.add(v.asString()));
        return out;
    }
}
