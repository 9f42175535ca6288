package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.ValidationEvent;
import dev.baton.testkit.DPoPProofs;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.TestAuthorizationServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DPoP-bound tokens (RFC 9449 §4.3, §7.1, §7.2, §9) sent as real HTTP requests to the filter in
 * Jetty 12 and Tomcat 11, with the real {@link TokenValidator} and the test kit's issuer: each proof
 * rule, the challenges of each {@link DPoPPolicy}, the metadata, the nonce dance and proxies. No
 * refused request reaches the servlet, and no answer quotes the token or the proof (docs/security.md
 * cases 41-50 and 54).
 */
@ClassTemplate
class DPoPFilterTest {
    static final String AUDIENCE = "mcpserver";
    static final String SCOPE = "mcp:tools:call";

    @RegisterExtension
    static final Containers containers = Containers.withSwappableFilter();

    @StartStop
    final MockWebServer idp = new MockWebServer();

    Containers.Running server;
    RecordingServlet app;
    SwappableFilter front;
    TestAuthorizationServer as;
    final DPoPProofs client = DPoPProofs.es256();
    final List<ValidationEvent> events = new CopyOnWriteArrayList<>();
    final List<TokenValidator> validators = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = containers.server();
        app = containers.app();
        front = containers.front();
        as = new TestAuthorizationServer(idp);
        app.reset();
        install(filter(validator().build()).dpop(DPoPPolicy.ACCEPTED));
    }

    @AfterEach
    void closeValidators() {
        validators.forEach(TokenValidator::close);
    }

    TokenValidator.Builder validator() {
        return TokenValidator.builder().issuer(as.issuer()).audience(AUDIENCE).auditListener(new AuditListener() {
            @Override
            public void onValidation(ValidationEvent event) {
                events.add(event);
            }
        });
    }

    BearerTokenFilter.Builder filter(TokenValidator validator) {
        validators.add(validator);
        return BearerTokenFilter.builder(validator)
                .resource(mcp())
                .authorizationServers(as.issuer())
                .requireScopes("/mcp/*", SCOPE)
                .auditListener(new AuditListener() {
                    @Override
                    public void onValidation(ValidationEvent event) {
                        events.add(event);
                    }
                });
    }

    void install(BearerTokenFilter.Builder builder) {
        front.delegate.set(builder.build());
    }

    String mcp() {
        return server.uri("/mcp").toString();
    }

    String metadataUrl() {
        return server.uri("/.well-known/oauth-protected-resource/mcp").toString();
    }

    String boundToken() {
        return as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).claim("cnf", client.cnf()).sign();
    }

    HttpResponse<String> post(String token, String... proofs) {
        List<String> headers = new ArrayList<>(List.of("Authorization", "DPoP " + token));
        for (String proof : proofs) {
            headers.add("DPoP");
            headers.add(proof);
        }
        return Http.send("POST", URI.create(mcp()), "application/json", "{}", headers.toArray(String[]::new));
    }

    /** The one challenge of {@code scheme}. */
    static Map<String, String> challenge(HttpResponse<String> r, String scheme) {
        List<String> matching = r.headers().allValues("WWW-Authenticate").stream()
                .filter(v -> v.startsWith(scheme + " ")).toList();
        assertThat(matching).as(scheme + " challenges").hasSize(1);
        return Http.params(scheme, matching.get(0));
    }

    /** 401 {@code invalid_dpop_proof} in the DPoP challenge, nothing for the servlet, no secret in the answer. */
    void assertProofRefused(HttpResponse<String> r, String token, String proof) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r, "DPoP")).containsEntry("error", "invalid_dpop_proof")
                .containsEntry("resource_metadata", metadataUrl()).containsKey("algs");
        assertThat(challenge(r, "Bearer")).doesNotContainKey("error");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(app.calls).as("requests that reached the servlet").hasValue(0);
        assertNoSecrets(r, token, proof);
    }

    static void assertNoSecrets(HttpResponse<String> r, String... secrets) {
        for (String secret : secrets) {
            String signature = secret.substring(secret.lastIndexOf('.') + 1);
            assertThat(r.body()).doesNotContain(secret);
            assertThat(r.headers().map().toString()).doesNotContain(secret);
            if (signature.length() > 16) {
                assertThat(r.body()).doesNotContain(signature);
                assertThat(r.headers().map().toString()).doesNotContain(signature);
            }
        }
    }

    @Test
    void boundTokenWithItsProofReachesTheServletAsDPoP() {
        String token = boundToken();

        HttpResponse<String> r = post(token, client.proof("POST", mcp(), token));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.principal).hasValue("alice");
        assertThat(app.authType).hasValue("DPoP");
        assertThat(app.attribute.get().dpopKeyThumbprint()).hasValue(client.thumbprint());
    }

    @Test
    void plainBearerTokenStillReachesTheServletWhenDPoPIsAccepted() {
        String token = as.token().subject("bob").audience(AUDIENCE).scope(SCOPE).sign();

        HttpResponse<String> r = Http.get(URI.create(mcp()), "Authorization", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.authType).hasValue("Bearer");
    }

    @Test
    void requestWithoutTokenGetsABearerAndADPoPChallenge() {
        HttpResponse<String> r = Http.get(URI.create(mcp()));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).hasSize(2);
        assertThat(r.headers().allValues("WWW-Authenticate").get(0)).startsWith("Bearer ");
        assertThat(challenge(r, "Bearer")).containsExactly(Map.entry("scope", SCOPE),
                Map.entry("resource_metadata", metadataUrl()));
        assertThat(challenge(r, "DPoP")).containsExactly(Map.entry("scope", SCOPE),
                Map.entry("resource_metadata", metadataUrl()),
                Map.entry("algs", "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512"));
    }

    @Test
    void boundTokenSentAsBearerIsRefusedAsADowngrade() {
        String token = boundToken();

        HttpResponse<String> r = Http.get(URI.create(mcp()), "Authorization", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r, "Bearer")).containsEntry("error", "invalid_token");
        assertThat(challenge(r, "DPoP")).doesNotContainKey("error");
        assertThat(app.calls).hasValue(0);
        assertNoSecrets(r, token);
    }

    @Test
    void replayedProofIsRefused() {
        String token = boundToken();
        String proof = client.proof("POST", mcp(), token);
        assertThat(post(token, proof).statusCode()).isEqualTo(200);
        app.reset();

        HttpResponse<String> r = post(token, proof);

        assertProofRefused(r, token, proof);
        assertThat(challenge(r, "DPoP")).containsEntry("error_description", "DPoP proof was already used");
    }

    @Test
    void proofForAnotherUriIsRefused() {
        String token = boundToken();
        String proof = client.proof("POST", server.uri("/other").toString(), token);

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void proofForAnotherMethodIsRefused() {
        String token = boundToken();
        String proof = client.proof("GET", mcp(), token);

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void proofForAnotherTokenIsRefused() {
        String token = boundToken();
        String proof = client.proof("POST", mcp(), boundToken());

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void proofSignedByAnotherKeyIsRefused() {
        String token = boundToken();
        String proof = DPoPProofs.es256().proof("POST", mcp(), token);

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void unsignedProofIsRefused() {
        String token = boundToken();
        Map<String, Object> header = client.header();
        header.put("alg", "none");
        String proof = DPoPProofs.unsigned(header, DPoPProofs.claims("POST", mcp(), token));

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void hmacProofIsRefused() throws Exception {
        String token = boundToken();
        Map<String, Object> header = client.header();
        header.put("alg", "HS256");
        String input = Base64URL.encode(JSONObjectUtils.toJSONString(header)) + "."
                + Base64URL.encode(JSONObjectUtils.toJSONString(DPoPProofs.claims("POST", mcp(), token)));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("a shared secret of 32 bytes long".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String proof = IssuedSecrets.rememberToken(
                input + "." + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))));

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void proofCarryingAPrivateKeyIsRefused() {
        String token = boundToken();
        Map<String, Object> header = client.header();
        header.put("jwk", client.key().toJSONObject());
        String proof = client.signRaw(header, DPoPProofs.claims("POST", mcp(), token));

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void proofFromTheFutureIsRefused() {
        String token = boundToken();
        String proof = client.proof(Instant.now().plusSeconds(300), "POST", mcp(), token, null);

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void proofThatIsTooOldIsRefused() {
        String token = boundToken();
        String proof = client.proof(Instant.now().minusSeconds(300), "POST", mcp(), token, null);

        assertProofRefused(post(token, proof), token, proof);
    }

    @Test
    void twoDPoPHeadersAreRefusedBeforeTheValidator() {
        String token = boundToken();
        String proof = client.proof("POST", mcp(), token);

        HttpResponse<String> r = post(token, proof, client.proof("POST", mcp(), token));

        assertProofRefused(r, token, proof);
        assertThat(events).singleElement().satisfies(e -> assertThat(e.reason()).contains("Several DPoP headers"));
    }

    @Test
    void dpopSchemeWithoutAProofIsRefused() {
        String token = boundToken();

        HttpResponse<String> r = post(token);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r, "DPoP")).containsEntry("error", "invalid_dpop_proof");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void oversizedProofIsRefusedBeforeItIsRead() {
        String token = boundToken();
        String proof = IssuedSecrets.remember("eyJ" + "A".repeat(9000));

        HttpResponse<String> r = post(token, proof);

        assertProofRefused(r, token, proof);
        assertThat(challenge(r, "DPoP").get("error_description")).contains("longer than 8192");
        assertThat(events).singleElement().satisfies(e -> assertThat(e.accepted()).isFalse());
    }

    @Test
    void boundTokenWithoutAPathScopeGets403InTheDPoPChallenge() {
        install(filter(validator().build()).dpop(DPoPPolicy.ACCEPTED).requireScopes("/mcp/*", "mcp:admin"));
        String token = boundToken();

        HttpResponse<String> r = post(token, client.proof("POST", mcp(), token));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(challenge(r, "DPoP")).containsEntry("error", "insufficient_scope")
                .containsEntry("scope", SCOPE + " mcp:admin");
        assertThat(challenge(r, "Bearer")).doesNotContainKey("error");
    }

    @Test
    void metadataListsTheDPoPAlgorithmsWhenDPoPIsAccepted() throws Exception {
        install(filter(validator().dpopAlgorithms("ES256", "PS256").build()).dpop(DPoPPolicy.ACCEPTED));

        Map<String, Object> doc = JSONObjectUtils.parse(Http.get(URI.create(metadataUrl())).body());

        assertThat(doc).containsEntry("dpop_signing_alg_values_supported", List.of("ES256", "PS256"))
                .doesNotContainKey("dpop_bound_access_tokens_required");
        assertThat(challenge(Http.get(URI.create(mcp())), "DPoP")).containsEntry("algs", "ES256 PS256");
    }

    @Test
    void requiredPolicyRefusesBearerTokensWithOnlyADPoPChallenge() throws Exception {
        install(filter(validator().build()).dpop(DPoPPolicy.REQUIRED));
        String token = as.token().subject("bob").audience(AUDIENCE).scope(SCOPE).sign();

        HttpResponse<String> r = Http.get(URI.create(mcp()), "Authorization", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).singleElement()
                .satisfies(v -> assertThat(Http.params("DPoP", v)).containsEntry("error", "invalid_token"));
        assertThat(app.calls).hasValue(0);
        Map<String, Object> doc = JSONObjectUtils.parse(Http.get(URI.create(metadataUrl())).body());
        assertThat(doc).containsEntry("dpop_bound_access_tokens_required", true)
                .containsKey("dpop_signing_alg_values_supported");
    }

    @Test
    void requiredPolicyAcceptsBoundTokensWithTheirProof() {
        install(filter(validator().build()).dpop(DPoPPolicy.REQUIRED));
        String token = boundToken();

        assertThat(post(token, client.proof("POST", mcp(), token)).statusCode()).isEqualTo(200);
        assertThat(Http.get(URI.create(mcp())).headers().allValues("WWW-Authenticate")).singleElement()
                .satisfies(v -> assertThat(v).startsWith("DPoP "));
    }

    @Test
    void bearerOnlyPolicyTreatsTheDPoPSchemeAsNoTokenAndStillRefusesTheDowngrade() throws Exception {
        install(filter(validator().build()));
        String token = boundToken();

        HttpResponse<String> dpop = post(token, client.proof("POST", mcp(), token));
        HttpResponse<String> bearer = Http.get(URI.create(mcp()), "Authorization", "Bearer " + token);

        assertThat(dpop.statusCode()).isEqualTo(401);
        assertThat(dpop.headers().allValues("WWW-Authenticate")).singleElement()
                .satisfies(v -> assertThat(Http.bearerParams(v)).doesNotContainKey("error"));
        assertThat(bearer.statusCode()).isEqualTo(401);
        assertThat(Http.bearerParams(bearer.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("error", "invalid_token");
        assertThat(JSONObjectUtils.parse(Http.get(URI.create(metadataUrl())).body()))
                .doesNotContainKeys("dpop_signing_alg_values_supported", "dpop_bound_access_tokens_required");
    }

    @Test
    void theNonceDanceAtTheFilter() {
        install(filter(validator().requireDPoPNonce().build()).dpop(DPoPPolicy.ACCEPTED));
        String token = boundToken();

        HttpResponse<String> first = Http.send("POST", URI.create(mcp()), "application/json", "{}",
                "Authorization", "DPoP " + token, "DPoP", client.proof("POST", mcp(), token),
                "Origin", "https://app.example.com");
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(challenge(first, "DPoP")).containsEntry("error", "use_dpop_nonce");
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        assertThat(first.headers().allValues("Access-Control-Expose-Headers"))
                .anySatisfy(v -> assertThat(v).contains("DPoP-Nonce"));

        HttpResponse<String> second = post(token, client.proof("POST", mcp(), token, nonce));

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(app.authType).hasValue("DPoP");
    }

    @Test
    void behindAProxyTheProofIsForTheResourceUrlNotTheServersOwn() {
        install(filter(validator().build()).resource("https://mcp.example.com/mcp").dpop(DPoPPolicy.ACCEPTED));
        String token = boundToken();

        HttpResponse<String> forPublicUrl = post(token, client.proof("POST", "https://mcp.example.com/mcp", token));
        String internal = client.proof("POST", mcp(), token);
        HttpResponse<String> forInternalUrl = post(token, internal);

        assertThat(forPublicUrl.statusCode()).isEqualTo(200);
        assertThat(forInternalUrl.statusCode()).isEqualTo(401);
        assertThat(challenge(forInternalUrl, "DPoP")).containsEntry("error", "invalid_dpop_proof");
    }

    @Test
    void anExternalBaseUrlWithAPathPrefixIsWhereProofsPoint() {
        install(filter(validator().build()).dpop(DPoPPolicy.ACCEPTED)
                .externalBaseUrl("https://gateway.example.com/tools/"));
        String token = boundToken();

        HttpResponse<String> r = post(token, client.proof("POST", "https://gateway.example.com/tools/mcp", token));

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void aDPoPPolicyNeedsAValidatorThatVerifiesProofs() {
        TokenValidator bearerOnly = (token, context) -> ValidatedToken.of(token, Map.of("sub", "x"));

        assertThatThrownBy(() -> BearerTokenFilter.builder(bearerOnly).resource(mcp()).authorizationServers(as.issuer())
                .dpop(DPoPPolicy.ACCEPTED).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dpop(ACCEPTED)");
        assertThatThrownBy(() -> BearerTokenFilter.builder(bearerOnly).externalBaseUrl("ftp://example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("external base URL");
    }
}
