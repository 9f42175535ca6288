package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.oauth2.sdk.dpop.DPoPUtils;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPProofException;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DPoP key and the proofs it signs for resource requests (RFC 9449 §4.2, §7), checked by Nimbus'
 * resource-server verifier; keys from a named JCA provider (docs/security.md cases 50 and 54).
 */
class DPoPKeyTest {
    private static final String TOKEN = "dpop-bound-access-token-0123456789";

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    @Test
    void generatedKeyIsAnEcP256KeySigningEs256() throws Exception {
        DPoPKey key = DPoPKey.generate();
        SignedJWT proof = SignedJWT.parse(key.proof("GET", URI.create("https://api.example.com/graphql"), null, null));

        assertThat(key.algorithm()).isEqualTo("ES256");
        assertThat(((ECKey) proof.getHeader().getJWK()).getCurve()).isEqualTo(Curve.P_256);
        assertThat(JWKThumbprintConfirmation.of(proof.getHeader().getJWK()).getValue().toString())
                .isEqualTo(key.thumbprint());
    }

    @Test
    void proofForAResourceCarriesTheTokensHash() throws Exception {
        DPoPKey key = DPoPKey.generate();
        SignedJWT proof = SignedJWT.parse(key.proof("GET", URI.create("https://api.example.com/graphql"), TOKEN,
                null));

        assertThat(proof.getJWTClaimsSet().getStringClaim("ath"))
                .isEqualTo(DPoPUtils.computeSHA256(new DPoPAccessToken(TOKEN)).toString());
    }

    @Test
    void htuLeavesOutQueryFragmentAndUserInfoAndNormalisesCase() throws Exception {
        DPoPKey key = DPoPKey.generate();
        SignedJWT proof = SignedJWT.parse(key.proof("POST",
                URI.create("HTTPS://user@API.Example.com:443/graphql/v1?query=x#frag"), TOKEN, null));

        assertThat(proof.getJWTClaimsSet().getStringClaim("htu")).isEqualTo("https://api.example.com/graphql/v1");
        assertThat(proof.getJWTClaimsSet().getStringClaim("htm")).isEqualTo("POST");
    }

    @Test
    void htuKeepsANonDefaultPortAndGivesAnEmptyPathAsSlash() throws Exception {
        DPoPKey key = DPoPKey.generate();
        SignedJWT proof = SignedJWT.parse(key.proof("GET", URI.create("http://127.0.0.1:8081"), TOKEN, null));

        assertThat(proof.getJWTClaimsSet().getStringClaim("htu")).isEqualTo("http://127.0.0.1:8081/");
    }

    @Test
    void nonceGoesIntoTheProof() throws Exception {
        SignedJWT proof = SignedJWT.parse(DPoPKey.generate().proof("GET", URI.create("https://a.example/"), TOKEN,
                "server-nonce-1"));

        assertThat(proof.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("server-nonce-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"with space", "quote\"", "", "tab\t"})
    void malformedNonceIsRefused(String nonce) {
        DPoPKey key = DPoPKey.generate();
        assertThatThrownBy(() -> key.proof("GET", URI.create("https://a.example/"), TOKEN, nonce))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GET /x", "G\"T", "GET\r\n"})
    void malformedMethodIsRefused(String method) {
        DPoPKey key = DPoPKey.generate();
        assertThatThrownBy(() -> key.proof(method, URI.create("https://a.example/"), TOKEN, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("method");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://a.example/x", "/relative", "mailto:a@example.com"})
    void nonHttpUrlIsRefused(String url) {
        DPoPKey key = DPoPKey.generate();
        assertThatThrownBy(() -> key.proof("GET", URI.create(url), TOKEN, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rsaKeyMaySignRs256AndPs256() throws Exception {
        KeyPair pair = rsa(2048);

        assertThat(DPoPKey.of(pair, "RS256").algorithm()).isEqualTo("RS256");
        assertThat(DPoPKey.of(pair, "PS256").algorithm()).isEqualTo("PS256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "none", "ES384", "EdDSA", "es256"})
    void algorithmsOutsideTheAllowListAreRefused(String algorithm) throws Exception {
        KeyPair pair = ec("secp256r1");
        assertThatThrownBy(() -> DPoPKey.of(pair, algorithm)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ES256, RS256, PS256");
    }

    @Test
    void es256NeedsAP256Key() throws Exception {
        KeyPair p384 = ec("secp384r1");
        KeyPair rsa = rsa(2048);
        assertThatThrownBy(() -> DPoPKey.of(p384, "ES256")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DPoPKey.of(rsa, "ES256")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rsaKeysUnder2048BitsAreRefused() throws Exception {
        KeyPair weak = rsa(1024);
        assertThatThrownBy(() -> DPoPKey.of(weak, "RS256")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2048");
    }

    @Test
    void toStringNeverShowsThePrivateKey() throws Exception {
        KeyPair pair = ec("secp256r1");
        DPoPKey key = DPoPKey.of(pair, "ES256");
        String d = ECKey.parse(new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) pair.getPublic())
                .privateKey(pair.getPrivate()).build().toJSONString()).getD().toString();

        assertThat(key.toString()).doesNotContain(d).contains(key.thumbprint());
    }

    private static final URI RESOURCE = URI.create("https://api.example.com/graphql");

    /** Nimbus' resource-server verifier (RFC 9449 §4.3, §7.1), as a resource server runs it. */
    private static void verifyAsResourceServer(DPoPKey key, String proof, String method, URI url) throws Exception {
        new DPoPProtectedResourceRequestVerifier(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.PS256),
                60, null)
                .verify(method, url, new DPoPIssuer(key.thumbprint()), SignedJWT.parse(proof),
                        new DPoPAccessToken(TOKEN), JWKThumbprintConfirmation.of(SignedJWT.parse(proof).getHeader()
                                .getJWK()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256", "PS256"})
    void proofsPassNimbusResourceServerVerification(String algorithm) throws Exception {
        DPoPKey key = DPoPKey.of(algorithm.equals("ES256") ? ec("secp256r1") : rsa(2048), algorithm);

        verifyAsResourceServer(key, key.proof("GET", RESOURCE, TOKEN, null), "GET", RESOURCE);
    }

    @Test
    void everyProofOfAKeyHasItsOwnJtiAndTheSameHeader() throws Exception {
        DPoPKey key = DPoPKey.generate();
        SignedJWT first = SignedJWT.parse(key.proof("GET", RESOURCE, TOKEN, null));
        SignedJWT second = SignedJWT.parse(key.proof("GET", RESOURCE, TOKEN, null));

        assertThat(first.getJWTClaimsSet().getJWTID()).isNotEqualTo(second.getJWTClaimsSet().getJWTID());
        assertThat(first.getHeader().toBase64URL()).isEqualTo(second.getHeader().toBase64URL());
        assertThat(first.getHeader().getType().toString()).isEqualTo("dpop+jwt");
        assertThat(first.getHeader().getJWK().isPrivate()).isFalse();
    }

    @Test
    void aProofIsNotValidForAnotherUrl() throws Exception {
        DPoPKey key = DPoPKey.generate();
        String proof = key.proof("GET", RESOURCE, TOKEN, null);

        assertThatThrownBy(() -> verifyAsResourceServer(key, proof, "GET", URI.create("https://api.example.com/other")))
                .isInstanceOf(InvalidDPoPProofException.class);
    }

    @Test
    void namedProviderSignsProofsThatVerify() throws Exception {
        Provider sunEc = Security.getProvider("SunEC");
        DPoPKey key = DPoPKey.of(ec("secp256r1"), "ES256", sunEc);

        verifyAsResourceServer(key, key.proof("POST", RESOURCE, TOKEN, null), "POST", RESOURCE);
        assertThat(key.toString()).contains("provider=SunEC");
    }

    @Test
    void generatedKeyMayComeFromANamedProvider() throws Exception {
        DPoPKey key = DPoPKey.generate(Security.getProvider("SunEC"));

        assertThat(key.algorithm()).isEqualTo("ES256");
        verifyAsResourceServer(key, key.proof("GET", RESOURCE, TOKEN, null), "GET", RESOURCE);
    }

    @Test
    void providerWithoutTheSignatureAlgorithmIsRefusedNamingIt() throws Exception {
        KeyPair pair = ec("secp256r1");
        Provider sun = Security.getProvider("SUN");

        assertThatThrownBy(() -> DPoPKey.of(pair, "ES256", sun)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SUN").hasMessageContaining("ES256");
    }

    @Test
    void providerThatCannotGenerateAnEcKeyIsRefusedNamingIt() {
        Provider rsaOnly = Security.getProvider("SunRsaSign");

        assertThatThrownBy(() -> DPoPKey.generate(rsaOnly)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SunRsaSign").hasMessageContaining("EC P-256");
    }

    @Test
    void privateKeyOfAnotherPairIsRefusedWhenTheKeyIsMade() throws Exception {
        KeyPair pair = ec("secp256r1");
        KeyPair mismatched = new KeyPair(pair.getPublic(), ec("secp256r1").getPrivate());

        assertThatThrownBy(() -> DPoPKey.of(mismatched, "ES256")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the public key's");
    }

    @Test
    void nullProviderIsRefused() throws Exception {
        KeyPair pair = ec("secp256r1");

        assertThatThrownBy(() -> DPoPKey.of(pair, "ES256", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("provider");
        assertThatThrownBy(() -> DPoPKey.generate(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("provider");
    }

    /** A provider whose ECDSA signature is the JDK's, recording the private key object it is given. */
    public static final class RecordingSignature extends java.security.SignatureSpi {
        static volatile java.security.PrivateKey lastKey;
        private final java.security.Signature jdk;

        public RecordingSignature() throws java.security.GeneralSecurityException {
            jdk = java.security.Signature.getInstance("SHA256withECDSA", "SunEC");
        }

        @Override
        protected void engineInitSign(java.security.PrivateKey key) throws java.security.InvalidKeyException {
            lastKey = key;
            jdk.initSign(key);
        }

        @Override
        protected void engineInitVerify(java.security.PublicKey key) throws java.security.InvalidKeyException {
            jdk.initVerify(key);
        }

        @Override
        protected void engineUpdate(byte b) throws java.security.SignatureException {
            jdk.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws java.security.SignatureException {
            jdk.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws java.security.SignatureException {
            return jdk.sign();
        }

        @Override
        protected boolean engineVerify(byte[] sig) throws java.security.SignatureException {
            return jdk.verify(sig);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new java.security.InvalidParameterException(param);
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new java.security.InvalidParameterException(param);
        }
    }

    @Test
    void providerSignsWithThePrivateKeyObjectItWasGiven() throws Exception {
        Provider recording = new Provider("Recording", "1", "records the signing key") {
            {
                putService(new Service(this, "Signature", "SHA256withECDSA", RecordingSignature.class.getName(),
                        null, null));
            }
        };
        KeyPair pair = ec("secp256r1");
        DPoPKey key = DPoPKey.of(pair, "ES256", recording);
        RecordingSignature.lastKey = null;

        key.proof("GET", RESOURCE, TOKEN, null);

        assertThat(RecordingSignature.lastKey).isSameAs(pair.getPrivate());
    }
}
