package dev.baton;

import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.T0;
import static dev.baton.ExchangeFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.MutableClock;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * DPoP on the token exchange: proofs (RFC 9449 §4, §5), server nonces (§8), DPoP-bound tokens
 * (docs/security.md cases 51, 53 and 54).
 */
class TokenExchangerDPoPTest {
    private static final String ISSUED = "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"";
    private static final String DPOP_TOKEN = "dpop-bound-backend-token-0123456789";

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final MutableClock clock = new MutableClock(T0);

    private TokenExchanger.Builder exchanger() {
        return ExchangeFixtures.exchanger(server).clock(clock).dpop();
    }

    private static MockResponse dpopIssued(String token) {
        return json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"DPoP\"," + ISSUED
                + ",\"expires_in\":300}");
    }

    private static MockResponse useNonce(String nonce) {
        return new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
                .addHeader("DPoP-Nonce", nonce)
                .body("{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server requires nonce"
                        + " in DPoP proof\"}").build();
    }

    private SignedJWT proofOf(RecordedRequest request) throws Exception {
        List<String> values = request.getHeaders().values("DPoP");
        assertThat(values).hasSize(1);
        IssuedSecrets.rememberToken(values.get(0));
        return SignedJWT.parse(values.get(0));
    }

    private List<SignedJWT> proofs(int count) throws Exception {
        List<SignedJWT> proofs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            proofs.add(proofOf(server.takeRequest(5, TimeUnit.SECONDS)));
        }
        return proofs;
    }

    private static ExchangeRequest request(String subject) {
        return ExchangeFixtures.request(subject);
    }

    @Test
    void sendsASignedProofOfTheExchangersKeyWithTheTokenRequest() throws Exception {
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = exchanger().build()) {
            exchanger.exchange(request(SUBJECT_TOKEN));

            SignedJWT proof = proofs(1).get(0);
            JWK jwk = proof.getHeader().getJWK();
            assertThat(proof.getHeader().getType()).isEqualTo(new JOSEObjectType("dpop+jwt"));
            assertThat(proof.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
            assertThat(jwk.isPrivate()).isFalse();
            assertThat(JWKThumbprintConfirmation.of(jwk).getValue().toString())
                    .isEqualTo(exchanger.dpopKey().orElseThrow().thumbprint());
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(proof.getHeader(),
                    jwk.toECKey().toPublicKey());
            assertThat(proof.verify(verifier)).isTrue();
        }
    }

    @Test
    void proofNamesPostAndTheTokenEndpointWithoutQuery() throws Exception {
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = exchanger().tokenEndpoint(server.url("/oauth2/token?tenant=a").uri()).build()) {
            exchanger.exchange(request(SUBJECT_TOKEN));

            SignedJWT proof = proofs(1).get(0);
            assertThat(proof.getJWTClaimsSet().getStringClaim("htm")).isEqualTo("POST");
            assertThat(proof.getJWTClaimsSet().getStringClaim("htu"))
                    .isEqualTo("http://" + server.getHostName() + ":" + server.getPort() + "/oauth2/token");
            assertThat(proof.getJWTClaimsSet().getClaim("ath")).isNull();
            assertThat(proof.getJWTClaimsSet().getClaim("nonce")).isNull();
            assertThat(proof.getJWTClaimsSet().getIssueTime()).isNotNull();
        }
    }

    @Test
    void everyTokenRequestHasAFreshProof() throws Exception {
        server.enqueue(dpopIssued(DPOP_TOKEN));
        server.enqueue(dpopIssued(DPOP_TOKEN + "2"));
        try (TokenExchanger exchanger = exchanger().noCache().build()) {
            exchanger.exchange(request(SUBJECT_TOKEN));
            exchanger.exchange(request(SUBJECT_TOKEN));

            List<SignedJWT> proofs = proofs(2);
            assertThat(proofs.get(0).getJWTClaimsSet().getJWTID())
                    .isNotBlank()
                    .isNotEqualTo(proofs.get(1).getJWTClaimsSet().getJWTID());
        }
    }

    @Test
    void dpopAnswerYieldsATokenBoundToTheExchangersKey() throws Exception {
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = exchanger().build()) {
            ExchangedToken token = exchanger.exchange(request(SUBJECT_TOKEN));

            assertThat(token.isDPoPBound()).isTrue();
            assertThat(token.isBearer()).isFalse();
            assertThat(token.tokenType()).isEqualTo("DPoP");
            assertThat(token.dpopKeyThumbprint()).contains(exchanger.dpopKey().orElseThrow().thumbprint());
        }
    }

    @Test
    void dpopTokenTypeIsReadInAnyLetterCase() throws Exception {
        server.enqueue(json(200, "{\"access_token\":\"t0123456789\",\"token_type\":\"dpop\"," + ISSUED + "}"));
        try (TokenExchanger exchanger = exchanger().build()) {
            assertThat(exchanger.exchange(request(SUBJECT_TOKEN)).isDPoPBound()).isTrue();
        }
    }

    @Test
    void cachedTokenKeepsItsBinding() throws Exception {
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = exchanger().build()) {
            exchanger.exchange(request(SUBJECT_TOKEN));
            ExchangedToken cached = exchanger.exchange(request(SUBJECT_TOKEN));

            assertThat(server.getRequestCount()).isEqualTo(1);
            assertThat(cached.dpopKeyThumbprint()).contains(exchanger.dpopKey().orElseThrow().thumbprint());
        }
    }

    @Test
    void bearerAnswerToAProofIsRefusedByDefault() {
        server.enqueue(ExchangeFixtures.issued("downgraded-bearer-token-0123", 300));
        try (TokenExchanger exchanger = exchanger().build()) {
            assertThatThrownBy(() -> exchanger.exchange(request(SUBJECT_TOKEN)))
                    .isInstanceOfSatisfying(TokenExchangeException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.getMessage()).contains("Bearer").doesNotContain("downgraded-bearer-token");
                    });
        }
    }

    @Test
    void bearerAnswerIsAcceptedWhenConfiguredAndSaysSo() throws Exception {
        server.enqueue(ExchangeFixtures.issued("downgraded-bearer-token-0123", 300));
        try (TokenExchanger exchanger = exchanger().acceptBearerDowngrade().build()) {
            ExchangedToken token = exchanger.exchange(request(SUBJECT_TOKEN));

            assertThat(token.isBearer()).isTrue();
            assertThat(token.isDPoPBound()).isFalse();
            assertThat(token.dpopKeyThumbprint()).isEmpty();
        }
    }

    @Test
    void dpopAnswerWithoutDPoPConfiguredIsRefused() {
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build()) {
            assertThatThrownBy(() -> exchanger.exchange(request(SUBJECT_TOKEN)))
                    .isInstanceOf(TokenExchangeException.class).hasMessageContaining("not Bearer");
        }
    }

    @Test
    void exchangerWithoutDPoPSendsNoProof() throws Exception {
        server.enqueue(ExchangeFixtures.issued("plain-bearer-token-0123456", 300));
        try (TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build()) {
            exchanger.exchange(request(SUBJECT_TOKEN));

            assertThat(server.takeRequest().getHeaders().get("DPoP")).isNull();
            assertThat(exchanger.dpopKey()).isEmpty();
        }
    }

    @Test
    void useDPoPNonceIsAnsweredOnceWithTheNonce() throws Exception {
        server.enqueue(useNonce("nonce-one"));
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = exchanger().build()) {
            ExchangedToken token = exchanger.exchange(request(SUBJECT_TOKEN));

            assertThat(token.isDPoPBound()).isTrue();
            List<SignedJWT> proofs = proofs(2);
            assertThat(proofs.get(0).getJWTClaimsSet().getClaim("nonce")).isNull();
            assertThat(proofs.get(1).getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("nonce-one");
        }
    }

    @Test
    void nonceRetryIsMadeEvenWithoutRetryAttempts() throws Exception {
        server.enqueue(useNonce("nonce-one"));
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = exchanger().maxAttempts(1).build()) {
            assertThat(exchanger.exchange(request(SUBJECT_TOKEN)).isDPoPBound()).isTrue();
            assertThat(server.getRequestCount()).isEqualTo(2);
        }
    }

    @Test
    void aSecondUseDPoPNonceEndsTheExchange() {
        server.enqueue(useNonce("nonce-one"));
        server.enqueue(useNonce("nonce-two"));
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = exchanger().build()) {
            assertThatThrownBy(() -> exchanger.exchange(request(SUBJECT_TOKEN)))
                    .isInstanceOfSatisfying(TokenExchangeException.class, e -> {
                        assertThat(e.error()).isEqualTo("use_dpop_nonce");
                        assertThat(e.httpStatus()).isEqualTo(400);
                    });
            assertThat(server.getRequestCount()).isEqualTo(2);
        }
    }

    @Test
    void useDPoPNonceWithoutANonceHeaderIsNotRetried() {
        server.enqueue(json(400, "{\"error\":\"use_dpop_nonce\"}"));
        try (TokenExchanger exchanger = exchanger().build()) {
            assertThatThrownBy(() -> exchanger.exchange(request(SUBJECT_TOKEN)))
                    .isInstanceOf(TokenExchangeException.class);
            assertThat(server.getRequestCount()).isEqualTo(1);
        }
    }

    @Test
    void malformedNoncesAreNeverUsed() {
        for (String nonce : List.of("has space", "quote\"d", "back\\slash", "x".repeat(513))) {
            server.enqueue(useNonce(nonce));
        }
        try (TokenExchanger exchanger = exchanger().noCache().build()) {
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> exchanger.exchange(request(SUBJECT_TOKEN)))
                        .isInstanceOf(TokenExchangeException.class);
            }
            assertThat(server.getRequestCount()).isEqualTo(4);
        }
    }

    @Test
    void theLatestNonceIsUsedByLaterExchanges() throws Exception {
        server.enqueue(useNonce("nonce-one"));
        server.enqueue(dpopIssued(DPOP_TOKEN));
        server.enqueue(dpopIssued(DPOP_TOKEN + "2"));
        try (TokenExchanger exchanger = exchanger().noCache().build()) {
            exchanger.exchange(request(SUBJECT_TOKEN));
            exchanger.exchange(request(SUBJECT_TOKEN));

            assertThat(proofs(3).get(2).getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("nonce-one");
        }
    }

    @Test
    void aNonceInASuccessReplacesTheOneBefore() throws Exception {
        server.enqueue(useNonce("nonce-one"));
        server.enqueue(dpopIssued(DPOP_TOKEN).newBuilder().addHeader("DPoP-Nonce", "nonce-two").build());
        server.enqueue(dpopIssued(DPOP_TOKEN + "2"));
        try (TokenExchanger exchanger = exchanger().noCache().build()) {
            exchanger.exchange(request(SUBJECT_TOKEN));
            exchanger.exchange(request(SUBJECT_TOKEN));

            assertThat(proofs(3).get(2).getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("nonce-two");
        }
    }

    @Test
    void theNonceRetryEndsAtTheExchangeDeadline() {
        server.enqueue(useNonce("nonce-one"));
        server.enqueue(dpopIssued(DPOP_TOKEN).newBuilder().headersDelay(3, TimeUnit.SECONDS).build());
        try (TokenExchanger exchanger = exchanger().deadline(Duration.ofMillis(500)).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> exchanger.exchange(request(SUBJECT_TOKEN)))
                    .isInstanceOfSatisfying(TokenExchangeException.class,
                            e -> assertThat(e.getMessage()).contains("deadline"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void applicationKeySignsTheProofs() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        DPoPKey key = DPoPKey.of(rsa.generateKeyPair(), "PS256");
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = ExchangeFixtures.exchanger(server).dpop(key).build()) {
            ExchangedToken token = exchanger.exchange(request(SUBJECT_TOKEN));

            SignedJWT proof = proofs(1).get(0);
            assertThat(proof.getHeader().getAlgorithm().getName()).isEqualTo("PS256");
            assertThat(JWKThumbprintConfirmation.of(proof.getHeader().getJWK()).getValue().toString())
                    .isEqualTo(key.thumbprint());
            assertThat(token.dpopKeyThumbprint()).contains(key.thumbprint());
        }
    }

    @Test
    void acceptBearerDowngradeWithoutDPoPFailsTheBuild() {
        assertThatThrownBy(() -> ExchangeFixtures.exchanger(server).acceptBearerDowngrade().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("acceptBearerDowngrade");
    }

    @Test
    void toStringShowsTheKeysThumbprintNeverItsPrivatePart() throws Exception {
        server.enqueue(dpopIssued(DPOP_TOKEN));
        try (TokenExchanger exchanger = exchanger().build()) {
            ExchangedToken token = exchanger.exchange(request(SUBJECT_TOKEN));
            String jkt = exchanger.dpopKey().orElseThrow().thumbprint();

            assertThat(exchanger.toString()).contains("dpop=ES256", jkt);
            assertThat(token.toString()).contains("dpop_jkt=" + jkt).doesNotContain(DPOP_TOKEN);
            assertThat(exchanger.dpopKey().orElseThrow().toString()).isEqualTo("DPoPKey[alg=ES256, jkt=" + jkt + "]");
        }
    }
}
