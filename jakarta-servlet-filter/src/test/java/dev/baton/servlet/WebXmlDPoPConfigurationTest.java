package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.testkit.DPoPProofs;
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
 * The DPoP init parameters of a filter declared in {@code web.xml}: {@code dpop=required} behind a
 * proxy ({@code external-base-url}), with {@code dpop-algorithms}, {@code dpop-proof-max-age-seconds}
 * and {@code dpop-nonce}, in Jetty 12 and Tomcat 11.
 */
@ClassTemplate
class WebXmlDPoPConfigurationTest {
    static final String PUBLIC = "https://mcp.example.com";

    static MockWebServer idp;
    static TestAuthorizationServer as;

    @RegisterExtension
    static final Containers containers = Containers.deploying(() -> {
        startIssuer();
        return Containers.Setup.of(List.of(), parameters(), new RecordingServlet());
    }).onStop(() -> idp.close());

    Containers.Running server;
    RecordingServlet app;
    final DPoPProofs client = DPoPProofs.es256();

    static void startIssuer() {
        idp = new MockWebServer();
        try {
            idp.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        as = new TestAuthorizationServer(idp);
    }

    static Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("issuer", as.issuer());
        p.put("audience", "mcpserver");
        p.put("jwks-uri", as.jwksUri());
        p.put("resource", PUBLIC + "/mcp");
        p.put("dpop", "required");
        p.put("external-base-url", PUBLIC);
        p.put("dpop-algorithms", "ES256, PS256");
        p.put("dpop-proof-max-age-seconds", "30");
        p.put("dpop-nonce", "true");
        return p;
    }

    @BeforeEach
    void reset() {
        server = containers.server();
        app = containers.app();
        app.reset();
    }

    @Test
    void metadataSaysDPoPIsRequiredWithTheConfiguredAlgorithms() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/.well-known/oauth-protected-resource/mcp"));

        assertThat(JSONObjectUtils.parse(r.body()))
                .containsEntry("dpop_signing_alg_values_supported", List.of("ES256", "PS256"))
                .containsEntry("dpop_bound_access_tokens_required", true);
    }

    @Test
    void aBoundTokenPassesAfterTheNonceDanceWithAProofForThePublicUrl() {
        String token = as.token().subject("alice").audience("mcpserver").claim("cnf", client.cnf()).sign();

        HttpResponse<String> first = Http.get(server.uri("/mcp"), "Authorization", "DPoP " + token,
                "DPoP", client.proof("GET", PUBLIC + "/mcp", token));
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        HttpResponse<String> second = Http.get(server.uri("/mcp"), "Authorization", "DPoP " + token,
                "DPoP", client.proof("GET", PUBLIC + "/mcp", token, nonce));

        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(Http.params("DPoP", first.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("error", "use_dpop_nonce").containsEntry("algs", "ES256 PS256");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(app.authType).hasValue("DPoP");
    }

    @Test
    void aBearerTokenIsRefused() {
        String token = as.token().subject("alice").audience("mcpserver").sign();

        HttpResponse<String> r = Http.get(server.uri("/mcp"), "Authorization", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).singleElement()
                .satisfies(v -> assertThat(Http.params("DPoP", v)).containsEntry("error", "invalid_token"));
        assertThat(app.calls).hasValue(0);
    }
}
