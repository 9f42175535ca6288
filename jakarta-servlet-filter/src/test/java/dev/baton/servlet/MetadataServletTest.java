package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.AuditListener;
import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ProtectedResourceMetadataServlet} serves the filter's metadata when the application is
 * mapped at {@code /mcp/*} only, where Tomcat (no default servlet) answers 404 to the well-known
 * URLs before any filter runs, in Jetty 12 and Tomcat 11. The filter and the servlet get the same
 * document from the same configuration, never from each other.
 */
@ClassTemplate
class MetadataServletTest {
    static final String ISSUER = "https://idp.example.com/oauth2/mcp";
    static final TokenValidator REJECT_ALL = (token, context) -> {
        throw new TokenValidationException(BearerError.INVALID_TOKEN, "no");
    };
    /** The init parameters of the filter and of the servlet declared in {@code web.xml}: the same block. */
    static final Map<String, String> WEB_XML = Map.of(
            "issuer", ISSUER,
            "audience", "mcpserver",
            "jwks-uri", "https://idp.example.com/oauth2/mcp/v1/keys",
            "resource", "https://mcp.example.com/mcp",
            "path-scopes", "/mcp/*=mcp:tools:call");

    /**
     * Filter at {@code /*}, application at {@code /mcp/*}, the servlet at the well-known paths; both
     * made by one builder once the port (and so the resource) is known.
     */
    @RegisterExtension
    static final Containers containers = Containers.deploying(() -> Containers.Setup.of(
            List.of(new SwappableFilter()), null, new RecordingServlet())
            .servletMapping("/mcp/*").withMetadataServlet(new SwappableServlet()))
            .onStart(MetadataServletTest::start)
            .onStop(MetadataServletTest::stop);

    static Containers.Running server;
    /**
     * Filter and servlet declared from init parameters as in {@code web.xml}, the filter mapped at
     * {@code /mcp/*} only, so the well-known paths reach the servlet in either container.
     */
    static Containers.Running webXml;

    static void start() {
        server = containers.server();
        BearerTokenFilter.Builder baton = filter(server.uri("/mcp").toString());
        containers.front().delegate.set(baton.build());
        containers.metadataServlet(SwappableServlet.class).delegate.set(baton.buildMetadataServlet());
        webXml = containers.start(Containers.Setup.of(List.of(), WEB_XML, new RecordingServlet())
                .servletMapping("/mcp/*").filterMapping("/mcp/*").withMetadataServlet(WEB_XML));
    }

    static void stop() {
        webXml.close();
    }

    static BearerTokenFilter.Builder filter(String resource) {
        return BearerTokenFilter.builder(REJECT_ALL)
                .resource(resource)
                .authorizationServers(ISSUER)
                .requireScopes("/mcp/*", "mcp:tools:call")
                .resourceName("Countries MCP server")
                .auditListener(AuditListener.none());
    }

    static Map<String, Object> json(HttpResponse<String> r) throws Exception {
        return JSONObjectUtils.parse(r.body());
    }

    @Test
    void pathInsertedMetadataIsServedWhenTheApplicationIsMappedAtMcpOnly() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/.well-known/oauth-protected-resource/mcp"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(json(r)).containsExactly(
                Map.entry("resource", server.uri("/mcp").toString()),
                Map.entry("authorization_servers", List.of(ISSUER)),
                Map.entry("scopes_supported", List.of("mcp:tools:call")),
                Map.entry("bearer_methods_supported", List.of("header")),
                Map.entry("resource_name", "Countries MCP server"));
    }

    @Test
    void rootMetadataIsServedWhenTheApplicationIsMappedAtMcpOnly() throws Exception {
        HttpResponse<String> root = Http.get(server.uri("/.well-known/oauth-protected-resource"));

        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(json(root)).isEqualTo(json(Http.get(server.uri("/.well-known/oauth-protected-resource/mcp"))));
    }

    @Test
    void resourceMetadataOfTheChallengeResolves() throws Exception {
        HttpResponse<String> challenge = Http.get(server.uri("/mcp"));
        String url = Http.bearerParams(challenge.headers().firstValue("WWW-Authenticate").orElseThrow())
                .get("resource_metadata");

        HttpResponse<String> r = Http.get(URI.create(url));

        assertThat(challenge.statusCode()).isEqualTo(401);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("resource")).isEqualTo(server.uri("/mcp").toString());
    }

    @Test
    void metadataPreflightIsAnsweredForAnyOrigin() {
        HttpResponse<String> r = Http.send("OPTIONS", server.uri("/.well-known/oauth-protected-resource/mcp"),
                null, null, "Origin", "https://inspector.example.org", "Access-Control-Request-Method", "GET");

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void metadataOfAFilterDeclaredInWebXmlIsServed() throws Exception {
        HttpResponse<String> r = Http.get(webXml.uri("/.well-known/oauth-protected-resource/mcp"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).containsEntry("resource", "https://mcp.example.com/mcp")
                .containsEntry("authorization_servers", List.of(ISSUER))
                .containsEntry("scopes_supported", List.of("mcp:tools:call"));
    }

    @Test
    void rootMetadataOfAFilterDeclaredInWebXmlIsServed() throws Exception {
        HttpResponse<String> r = Http.get(webXml.uri("/.well-known/oauth-protected-resource"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).containsEntry("resource", "https://mcp.example.com/mcp");
    }

    @Test
    void otherPathsUnderTheWellKnownPrefixAre404() {
        assertThat(Http.get(webXml.uri("/.well-known/oauth-protected-resource/other")).statusCode()).isEqualTo(404);
        assertThat(Http.get(webXml.uri("/.well-known/oauth-protected-resource/mcp/x")).statusCode()).isEqualTo(404);
    }

    @Test
    void metadataOfAFilterMadeByTheBuilderIsServed() throws Exception {
        BearerTokenFilter.Builder baton = filter("https://mcp.example.com/mcp");
        try (Containers.Running direct = containers.start(Containers.Setup.of(
                List.of(baton.build()), null, new RecordingServlet())
                .servletMapping("/mcp/*").filterMapping("/mcp/*").withMetadataServlet(baton.buildMetadataServlet()))) {

            HttpResponse<String> r = Http.get(direct.uri("/.well-known/oauth-protected-resource/mcp"));

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r)).containsEntry("resource", "https://mcp.example.com/mcp")
                    .containsEntry("resource_name", "Countries MCP server");
        }
    }

    @Test
    void withoutTheServletTomcatAnswersTheWellKnownUrlWith404() {
        SwappableFilter front = new SwappableFilter();
        try (Containers.Running bare = containers.start(Containers.Setup.of(List.of(front), null, new RecordingServlet())
                .servletMapping("/mcp/*"))) {
            front.delegate.set(filter(bare.uri("/mcp").toString()).build());

            int status = Http.get(bare.uri("/.well-known/oauth-protected-resource/mcp")).statusCode();

            // Why the servlet exists: Tomcat maps no servlet, so no filter runs. Jetty adds a
            // default 404 servlet, so there the filter answers.
            assertThat(status).isEqualTo(containers.kind() == Containers.Kind.TOMCAT ? 404 : 200);
        }
    }
}
