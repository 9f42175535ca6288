package dev.baton.examples.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.DPoPKey;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend issuer requires DPoP on token exchange with a server nonce (RFC 9449 §5, §8), as Okta's default. */
class DPoPExchangeRouteTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @StartedAuthorizationServer
    private static EmbeddedAuthorizationServer as;

    /**
     * Exchanges {@code userToken} with proofs of {@code key}: first without a nonce, then with the
     * one the answer names.
     */
    static HttpResponse<String> exchangeWithNonce(EmbeddedAuthorizationServer server, String userToken, DPoPKey key)
            throws Exception {
        URI endpoint = URI.create(server.tokenEndpoint("backend"));
        HttpResponse<String> first = post(server, userToken, List.of(key.proof("POST", endpoint, null, null)));
        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(first.body()).contains("use_dpop_nonce");
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        return post(server, userToken, List.of(key.proof("POST", endpoint, null, nonce)));
    }

    private static HttpResponse<String> post(EmbeddedAuthorizationServer server, String userToken, List<String> proofs)
            throws Exception {
        String body = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token="
                + enc(userToken) + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:access_token")
                + "&audience=backend&scope=" + enc("backend-api:read");
        String basic = Base64.getEncoder().encodeToString((EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID + ":"
                + EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.tokenEndpoint("backend")))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        proofs.forEach(p -> request.header("DPoP", p));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String nonce() throws Exception {
        HttpResponse<String> answer = post(as, as.signIn("nina", "http://127.0.0.1:1/mcp"), List.of());
        return answer.headers().firstValue("DPoP-Nonce").orElseThrow();
    }

    @Test
    void anExchangeWithoutAProofIsRefused() throws Exception {
        HttpResponse<String> response = post(as, as.signIn("alice", "http://127.0.0.1:1/mcp"), List.of());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_dpop_proof");
    }

    @Test
    void twoProofsAreRefused() throws Exception {
        DPoPKey key = DPoPKey.generate();
        URI endpoint = URI.create(as.tokenEndpoint("backend"));
        String nonce = nonce();

        HttpResponse<String> response = post(as, as.signIn("alice", "http://127.0.0.1:1/mcp"),
                List.of(key.proof("POST", endpoint, null, nonce), key.proof("POST", endpoint, null, nonce)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_dpop_proof");
    }

    @Test
    void theNonceDanceYieldsADPoPTokenBoundToTheProofKey() throws Exception {
        DPoPKey key = DPoPKey.generate();

        HttpResponse<String> response = exchangeWithNonce(as, as.signIn("alice", "http://127.0.0.1:1/mcp"), key);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"token_type\":\"DPoP\"");
        assertThat(response.headers().firstValue("DPoP-Nonce")).isPresent();
    }

    @Test
    void aReplayedProofIsRefused() throws Exception {
        DPoPKey key = DPoPKey.generate();
        String proof = key.proof("POST", URI.create(as.tokenEndpoint("backend")), null, nonce());
        String userToken = as.signIn("alice", "http://127.0.0.1:1/mcp");
        assertThat(post(as, userToken, List.of(proof)).statusCode()).isEqualTo(200);

        HttpResponse<String> replay = post(as, userToken, List.of(proof));

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("invalid_dpop_proof");
    }

    @Test
    void aProofForAnotherUrlOrMethodIsRefused() throws Exception {
        DPoPKey key = DPoPKey.generate();
        String nonce = nonce();
        String userToken = as.signIn("alice", "http://127.0.0.1:1/mcp");

        HttpResponse<String> otherUrl = post(as, userToken,
                List.of(key.proof("POST", URI.create(as.tokenEndpoint("mcp")), null, nonce)));
        HttpResponse<String> otherMethod = post(as, userToken,
                List.of(key.proof("GET", URI.create(as.tokenEndpoint("backend")), null, nonce)));

        assertThat(otherUrl.statusCode()).isEqualTo(400);
        assertThat(otherUrl.body()).contains("invalid_dpop_proof");
        assertThat(otherMethod.statusCode()).isEqualTo(400);
        assertThat(otherMethod.body()).contains("invalid_dpop_proof");
    }
}
