package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.servlet.DPoPPolicy;
import dev.baton.testkit.DPoPProofs;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An MCP server that accepts DPoP-bound tokens (RFC 9449 §7.1): a whole session with the DPoP
 * scheme, and step-up challenges (403 {@code insufficient_scope}) in the challenge of the scheme
 * the token came with, beside the other scheme's.
 */
class DPoPChallengesTest {
    @RegisterExtension
    static final McpTestServer server = McpTestServer.perTestClass(b -> b.dpop(DPoPPolicy.ACCEPTED));

    final DPoPProofs client = DPoPProofs.es256();

    String boundToken(String subject, String scope) {
        return server.idp().token().subject(subject).audience(McpTestServer.AUDIENCE).scope(scope)
                .claim("cnf", client.cnf()).sign();
    }

    /** POSTs {@code body} with {@code Authorization: DPoP token} and a fresh proof for this request. */
    HttpResponse<String> post(String token, String body, String... headerPairs) {
        String proof = client.proof("POST", server.endpoint(), token);
        return Raw.send(Raw.request(URI.create(server.endpoint()), null, headerPairs)
                .header("Authorization", "DPoP " + token)
                .header("DPoP", proof)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    String initialize(String token) {
        HttpResponse<String> init = post(token, Raw.INITIALIZE);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(token, Raw.INITIALIZED, "Mcp-Session-Id", session).statusCode()).isEqualTo(202);
        return session;
    }

    static Map<String, String> challenge(HttpResponse<String> r, String scheme) {
        List<String> values = r.headers().allValues("WWW-Authenticate").stream()
                .filter(v -> v.startsWith(scheme + " ")).toList();
        assertThat(values).as(scheme + " challenges").hasSize(1);
        return Raw.bearerParams("Bearer" + values.get(0).substring(scheme.length()));
    }

    @Test
    void aToolRunsForABoundTokenWithItsProofs() {
        String token = boundToken("alice", "mcp:tools:call countries:details");
        String session = initialize(token);

        HttpResponse<String> r = post(token, Raw.callTool("get_country_details"), "Mcp-Session-Id", session);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(server.calls).contains("get_country_details as alice");
    }

    @Test
    void stepUpChallengeOfADPoPRequestIsADPoPChallenge() {
        String token = boundToken("bob", "mcp:tools:call");
        String session = initialize(token);

        HttpResponse<String> r = post(token, Raw.callTool("get_country_details"), "Mcp-Session-Id", session);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(challenge(r, "DPoP")).containsEntry("error", "insufficient_scope")
                .containsEntry("scope", "mcp:tools:call countries:details")
                .containsEntry("algs", "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512")
                .containsEntry("resource_metadata", server.uri("/.well-known/oauth-protected-resource/mcp").toString());
        assertThat(challenge(r, "Bearer")).doesNotContainKey("error");
        assertThat(server.calls).doesNotContain("get_country_details as bob");
    }

    @Test
    void stepUpChallengeOfABearerRequestKeepsTheErrorInTheBearerChallenge() {
        String carol = server.token("carol", "mcp:tools:call");
        String session = Raw.initialize(server, carol);

        HttpResponse<String> r = Raw.post(URI.create(server.endpoint()), carol, Raw.callTool("get_country_details"),
                "Mcp-Session-Id", session);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(challenge(r, "Bearer")).containsEntry("error", "insufficient_scope");
        assertThat(challenge(r, "DPoP")).doesNotContainKey("error").containsKey("algs");
    }

    @Test
    void aBoundTokenSentAsBearerIsRefused() {
        HttpResponse<String> r = Raw.post(URI.create(server.endpoint()), boundToken("dave", "mcp:tools:call"),
                Raw.INITIALIZE);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r, "Bearer")).containsEntry("error", "invalid_token");
    }

    @Test
    void metadataAdvertisesTheDPoPAlgorithms() {
        HttpResponse<String> r = Raw.send("GET", server.uri("/.well-known/oauth-protected-resource/mcp"), null);

        assertThat(Raw.json(r.body())).containsKey("dpop_signing_alg_values_supported");
    }
}
