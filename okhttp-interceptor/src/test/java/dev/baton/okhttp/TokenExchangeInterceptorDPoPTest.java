package dev.baton.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DPoPUtils;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.TokenExchanger;
import dev.baton.testkit.IssuedSecrets;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DPoP-bound tokens on outgoing calls (RFC 9449 §7, §9): scheme, per-request proofs, nonces, redirects
 * (docs/security.md cases 51-53).
 */
class TokenExchangeInterceptorDPoPTest extends InterceptorTestSupport {
    private static final String NONCE_CHALLENGE = "DPoP error=\"use_dpop_nonce\", "
            + "error_description=\"Resource server requires nonce in DPoP proof\"";

    @BeforeEach
    void dpopExchanger() {
        exchanger.close();
        tokenEndpoint.mode(FakeTokenEndpoint.Mode.DPOP);
        exchanger = exchangerBuilder().dpop().build();
    }

    private TokenExchanger.Builder exchangerBuilder() {
        return TokenExchanger.builder()
                .tokenEndpoint(idp.url("/oauth2/backend/v1/token").toString())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "client-secret"))
                .auditListener(AuditListener.none());
    }

    private OkHttpClient dpopClient() {
        return installedClient(interceptor(r -> r.audience("backend").scopes("backend-api:read")));
    }

    private static MockResponse nonceChallenge(String nonce) {
        return new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", NONCE_CHALLENGE)
                .setHeader("DPoP-Nonce", nonce).body("no").build();
    }

    private static JWTClaimsSet proofClaims(RecordedRequest request) throws Exception {
        return proof(request).getJWTClaimsSet();
    }

    private static SignedJWT proof(RecordedRequest request) throws Exception {
        assertThat(request.getHeaders().values("DPoP")).hasSize(1);
        return SignedJWT.parse(IssuedSecrets.rememberToken(request.getHeaders().get("DPoP")));
    }

    @Test
    void dpopBoundTokenGoesOutWithTheDPoPScheme() throws Exception {
        backend.enqueue(ok());

        execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("DPoP exchanged-alice-1");
    }

    @Test
    void proofIsSignedByTheExchangersKeyForThisRequestAndToken() throws Exception {
        backend.enqueue(ok());

        execute(dpopClient(), get(backend, "/graphql/countries?code=FR#top", user("alice")).build());

        SignedJWT proof = proof(take(backend));
        ECKey jwk = proof.getHeader().getJWK().toECKey();
        JWTClaimsSet claims = proof.getJWTClaimsSet();
        assertThat(proof.verify(new ECDSAVerifier(jwk))).isTrue();
        assertThat(proof.getHeader().getType().getType()).isEqualTo("dpop+jwt");
        assertThat(JWKThumbprintConfirmation.of(jwk).getValue().toString())
                .isEqualTo(exchanger.dpopKey().orElseThrow().thumbprint());
        assertThat(claims.getStringClaim("htm")).isEqualTo("GET");
        assertThat(claims.getStringClaim("htu")).isEqualTo(backend.url("/graphql/countries").toString());
        assertThat(claims.getStringClaim("ath"))
                .isEqualTo(DPoPUtils.computeSHA256(new DPoPAccessToken("exchanged-alice-1")).toString());
    }

    @Test
    void htmIsTheRequestsMethod() throws Exception {
        backend.enqueue(ok());

        execute(dpopClient(), get(backend, "/graphql", user("alice"))
                .post(RequestBody.create("{}", MediaType.get("application/json"))).build());

        assertThat(proofClaims(take(backend)).getStringClaim("htm")).isEqualTo("POST");
    }

    @Test
    void everyRequestGetsAFreshProofWhileTheTokenIsCached() throws Exception {
        backend.enqueue(ok());
        backend.enqueue(ok());
        OkHttpClient client = dpopClient();

        execute(client, get(backend, "/graphql", user("alice")).build());
        execute(client, get(backend, "/graphql", user("alice")).build());

        assertThat(proofClaims(take(backend)).getJWTID()).isNotEqualTo(proofClaims(take(backend)).getJWTID());
        assertThat(tokenEndpoint.exchanges()).isEqualTo(1);
    }

    @Test
    void theProofDoesNotStayOnTheResponsesRequest() throws Exception {
        backend.enqueue(ok());

        Response response = execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.request().header("DPoP")).isNull();
        assertThat(response.networkResponse().request().header("DPoP")).isNull();
    }

    @Test
    void useDPoPNonceIsAnsweredOnceWithTheNonce() throws Exception {
        backend.enqueue(nonceChallenge("rs-nonce-1"));
        backend.enqueue(ok());

        Response response = execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        assertThat(proofClaims(take(backend)).getClaim("nonce")).isNull();
        JWTClaimsSet retried = proofClaims(take(backend));
        assertThat(retried.getStringClaim("nonce")).isEqualTo("rs-nonce-1");
        assertThat(tokenEndpoint.exchanges()).isEqualTo(1);
    }

    @Test
    void aSecondNonceChallengeReachesTheCaller() throws Exception {
        backend.enqueue(nonceChallenge("rs-nonce-1"));
        backend.enqueue(nonceChallenge("rs-nonce-2"));
        backend.enqueue(ok());

        Response response = execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(401);
        assertThat(backend.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aNonceChallengeWithoutAUsableNonceIsNotRetried() throws Exception {
        backend.enqueue(nonceChallenge("not a nonce"));
        backend.enqueue(ok());

        Response response = execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(401);
        assertThat(backend.getRequestCount()).isEqualTo(1);
    }

    @Test
    void theNonceRetryIsApartFromTheReplayForAFreshToken() throws Exception {
        backend.enqueue(nonceChallenge("rs-nonce-1"));
        backend.enqueue(unauthorized("DPoP error=\"invalid_token\""));
        backend.enqueue(ok());

        Response response = execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        assertThat(response.code()).isEqualTo(200);
        take(backend);
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("DPoP exchanged-alice-1");
        RecordedRequest replay = take(backend);
        assertThat(replay.getHeaders().get("Authorization")).isEqualTo("DPoP exchanged-alice-2");
        assertThat(proofClaims(replay).getStringClaim("nonce")).isEqualTo("rs-nonce-1");
    }

    @Test
    void theLatestNonceGoesIntoLaterCallsAndANonceOnSuccessReplacesIt() throws Exception {
        backend.enqueue(nonceChallenge("rs-nonce-1"));
        backend.enqueue(new MockResponse.Builder().code(200).setHeader("DPoP-Nonce", "rs-nonce-2").body("ok").build());
        backend.enqueue(ok());
        OkHttpClient client = dpopClient();

        execute(client, get(backend, "/graphql", user("alice")).build());
        execute(client, get(backend, "/graphql", user("bob")).build());

        take(backend);
        take(backend);
        assertThat(proofClaims(take(backend)).getStringClaim("nonce")).isEqualTo("rs-nonce-2");
    }

    @Test
    void aSameOriginRedirectGetsAProofOfItsOwn() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(307).setHeader("Location", "/graphql/v2").build());
        backend.enqueue(ok());

        execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        JWTClaimsSet first = proofClaims(take(backend));
        JWTClaimsSet redirected = proofClaims(take(backend));
        assertThat(redirected.getStringClaim("htu")).isEqualTo(backend.url("/graphql/v2").toString());
        assertThat(redirected.getJWTID()).isNotEqualTo(first.getJWTID());
    }

    @Test
    void aRedirectToAnotherHostCarriesNeitherTokenNorProof() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(302).setHeader("Location", elsewhere.url("/x")).build());
        elsewhere.enqueue(ok());

        execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        take(backend);
        RecordedRequest redirected = take(elsewhere);
        assertThat(redirected.getHeaders().get("DPoP")).isNull();
        assertThat(redirected.getHeaders().get("Authorization")).isNull();
    }

    @Test
    void aSameOriginRedirectOffTheRouteCarriesNeitherTokenNorProof() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/other").build());
        backend.enqueue(ok());

        execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        take(backend);
        RecordedRequest redirected = take(backend);
        assertThat(redirected.getHeaders().get("DPoP")).isNull();
        assertThat(redirected.getHeaders().get("Authorization")).isNull();
    }

    @Test
    void aDPoPExchangerNeedsTheNetworkHalf() {
        TokenExchangeInterceptor.Builder builder = interceptor(r -> r.audience("backend"));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DPoP").hasMessageContaining("installOn(OkHttpClient.Builder)");
    }

    @Test
    void theApplicationHalfWithoutItsNetworkHalfFails() throws Exception {
        backend.enqueue(ok());
        OkHttpClient.Builder installed = interceptor(r -> r.audience("backend")).installOn(new OkHttpClient.Builder());
        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(installed.interceptors().get(0)).build();

        assertThatThrownBy(() -> execute(client, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(TokenInjectionException.class).hasMessageContaining("without a proof")
                .hasMessageNotContaining("exchanged-alice");
    }

    @Test
    void aDPoPBoundTokenIsNeverPutInACustomHeader() {
        OkHttpClient client = customHeaderClient();

        assertThatThrownBy(() -> execute(client, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(TokenInjectionException.class).hasMessageContaining("custom header");
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void anAcceptedBearerDowngradeGoesOutAsBearerWithoutProof() throws Exception {
        exchanger.close();
        tokenEndpoint.mode(FakeTokenEndpoint.Mode.OK);
        exchanger = exchangerBuilder().dpop().acceptBearerDowngrade().build();
        backend.enqueue(ok());

        execute(dpopClient(), get(backend, "/graphql", user("alice")).build());

        RecordedRequest sent = take(backend);
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
        assertThat(sent.getHeaders().get("DPoP")).isNull();
    }

    @Test
    void aProofTheCallerSetIsReplaced() throws Exception {
        backend.enqueue(ok());

        execute(dpopClient(), get(backend, "/graphql", user("alice")).header("DPoP", "caller-proof").build());

        assertThat(take(backend).getHeaders().get("DPoP")).isNotEqualTo("caller-proof");
    }
}
