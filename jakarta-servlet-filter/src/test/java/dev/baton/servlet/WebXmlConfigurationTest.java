package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filter registered the way {@code web.xml} does it: the container instantiates
 * {@link BearerTokenFilter} itself and hands it init parameters (Jetty
 * {@code FilterHolder.setInitParameter}, Tomcat {@code FilterDef.addInitParameter}).
 */
@ClassTemplate
class WebXmlConfigurationTest {
    static final String RESOURCE = "https://mcp.example.com/mcp";
    static final String METADATA = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";

    static MockWebServer idp;
    static TestAuthorizationServer as;

    /** The issuer starts first: the init parameters name it. */
    @RegisterExtension
    static final Containers containers = Containers.deploying(() -> {
        startIssuer();
        return Containers.Setup.of(List.of(), parameters(), new RecordingServlet());
    }).onStop(WebXmlConfigurationTest::stopIssuer);

    Containers.Running server;
    RecordingServlet app;

    static void startIssuer() {
        idp = new MockWebServer();
        try {
            idp.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        as = new TestAuthorizationServer(idp);
    }

    static void stopIssuer() {
        idp.close();
    }

    static Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("issuer", as.issuer());
        p.put("audience", "mcpserver");
        p.put("required-scopes", "mcp:access");
        p.put("jwks-uri", as.jwksUri());
        p.put("allowed-algorithms", "RS256, ES256");
        p.put("clock-skew-seconds", "30");
        p.put("resource", RESOURCE);
        p.put("resource-name", "Countries MCP server");
        p.put("resource-documentation", "https://docs.example.com/mcp");
        p.put("path-scopes", "/mcp/*=mcp:tools:call; /admin/*=admin:read admin:write");
        p.put("open-paths", "/health /ready");
        p.put("max-token-length", "4096");
        p.put("cors-allowed-origins", "https://app.example.com");
        return p;
    }

    @BeforeEach
    void reset() {
        server = containers.server();
        app = containers.app();
        app.reset();
    }

    String token(String scope) {
        return as.token().subject("alice").audience("mcpserver").scope(scope).sign();
    }

    @Test
    void acceptsATokenMeetingEveryConfiguredCheck() {
        HttpResponse<String> r = Http.get(server.uri("/mcp"), "Authorization",
                "Bearer " + token("mcp:access mcp:tools:call"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.principal).hasValue("alice");
    }

    @Test
    void missingTokenChallengeNamesTheConfiguredResourceAndScopes() {
        HttpResponse<String> r = Http.get(server.uri("/mcp"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.bearerParams(r.headers().firstValue("WWW-Authenticate").orElseThrow())).containsExactly(
                Map.entry("scope", "mcp:access mcp:tools:call"),
                Map.entry("resource_metadata", METADATA));
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void pathScopeRuleFromParametersIsEnforced() {
        HttpResponse<String> r = Http.get(server.uri("/admin/users"), "Authorization",
                "Bearer " + token("mcp:access mcp:tools:call admin:read"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Http.bearerParams(r.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("error", "insufficient_scope")
                .containsEntry("scope", "mcp:access admin:read admin:write");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void validatorRequiredScopeFromParametersIsEnforced() {
        HttpResponse<String> r = Http.get(server.uri("/mcp"), "Authorization", "Bearer " + token("mcp:tools:call"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void algorithmOutsideTheConfiguredListIsRefused() {
        String rs512 = as.token().subject("alice").audience("mcpserver").scope("mcp:access mcp:tools:call")
                .algorithm("RS512").sign();

        assertThat(Http.get(server.uri("/mcp"), "Authorization", "Bearer " + rs512).statusCode()).isEqualTo(401);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void configuredTokenLengthCapApplies() {
        HttpResponse<String> r = Http.get(server.uri("/mcp"), "Authorization", "Bearer " + "a".repeat(4097));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("longer than 4096");
    }

    @Test
    void openPathsFromParametersNeedNoToken() {
        assertThat(Http.get(server.uri("/health")).statusCode()).isEqualTo(200);
        assertThat(Http.get(server.uri("/ready")).statusCode()).isEqualTo(200);
        assertThat(app.calls).hasValue(2);
    }

    @Test
    void metadataFromParametersIsServedAtThePathInsertedUrl() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/.well-known/oauth-protected-resource/mcp"));

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> doc = JSONObjectUtils.parse(r.body());
        assertThat(doc.get("resource")).isEqualTo(RESOURCE);
        assertThat(doc.get("authorization_servers")).isEqualTo(List.of(as.issuer()));
        assertThat(doc.get("scopes_supported")).isEqualTo(
                List.of("mcp:access", "mcp:tools:call", "admin:read", "admin:write"));
        assertThat(doc.get("bearer_methods_supported")).isEqualTo(List.of("header"));
        assertThat(doc.get("resource_name")).isEqualTo("Countries MCP server");
        assertThat(doc.get("resource_documentation")).isEqualTo("https://docs.example.com/mcp");
    }

    @Test
    void corsOriginFromParametersIsOpenedAcceptedResponses() {
        HttpResponse<String> r = Http.get(server.uri("/mcp"), "Authorization",
                "Bearer " + token("mcp:access mcp:tools:call"), "Origin", "https://app.example.com");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
    }

    @Test
    void preflightIsAnsweredForAnyOrigin() {
        HttpResponse<String> r = Http.send("OPTIONS", server.uri("/mcp"), null, null,
                "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST");

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void missingRequiredParameterStopsTheApplicationFromStarting() {
        Map<String, String> withoutResource = parameters();
        withoutResource.remove("resource");

        assertThatThrownBy(() -> containers.start(Containers.Setup.of(List.of(), withoutResource, new RecordingServlet()))
                .close())
                .isInstanceOf(IllegalStateException.class);
    }
}
