package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import dev.baton.testkit.IssuedSecrets;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import java.util.Set;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/**
 * DPoP keys whose provider is a native one: Conscrypt (BoringSSL), whose key classes are not the JDK's
 * and whose ECDSA signature is DER like the JDK's. Its proofs verify with Nimbus' resource-server
 * verifier and with Baton's own validator (RFC 9449 §4.3, §7.1); docs/dpop.md "Cost" says why an
 * application names such a provider.
 */
class NativeProviderDPoPTest extends ValidatorTestSupport {
    private static final String URL = "https://mcp.example.com/mcp";
    private static final String TOKEN = "dpop-bound-access-token-0123456789";
    /** Not installed with Security.addProvider: DPoPKey takes the provider object itself. */
    private static final Provider CONSCRYPT = Conscrypt.newProvider();

    private static KeyPair conscryptP256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CONSCRYPT);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** Nimbus' resource-server verifier (RFC 9449 §4.3, §7.1), as a resource server runs it. */
    private static void verifyWithNimbus(String proof, String token, String method, URI url) throws Exception {
        SignedJWT jwt = SignedJWT.parse(proof);
        new DPoPProtectedResourceRequestVerifier(Set.of(JWSAlgorithm.ES256), 60, null)
                .verify(method, url, new DPoPIssuer("client"), jwt, new DPoPAccessToken(token),
                        JWKThumbprintConfirmation.of(jwt.getHeader().getJWK()));
    }

    @Test
    void proofsSignedByANativeProviderVerify() throws Exception {
        DPoPKey key = DPoPKey.generate(CONSCRYPT);

        verifyWithNimbus(key.proof("GET", URI.create(URL), TOKEN, null), TOKEN, "GET", URI.create(URL));
        assertThat(key.toString()).contains("provider=" + CONSCRYPT.getName());
    }

    @Test
    void anApplicationsKeyPairFromANativeProviderSignsProofsThatVerify() throws Exception {
        KeyPair pair = conscryptP256();
        DPoPKey key = DPoPKey.of(pair, "ES256", CONSCRYPT);

        verifyWithNimbus(key.proof("POST", URI.create(URL), TOKEN, null), TOKEN, "POST", URI.create(URL));
        assertThat(pair.getPublic().getClass().getName()).startsWith("org.conscrypt.");
    }

    @Test
    void theProofsJwkIsTheNativeProvidersPublicKeyOnP256() throws Exception {
        KeyPair pair = conscryptP256();
        DPoPKey key = DPoPKey.of(pair, "ES256", CONSCRYPT);

        ECKey jwk = SignedJWT.parse(key.proof("GET", URI.create(URL), TOKEN, null)).getHeader().getJWK().toECKey();

        assertThat(jwk.getCurve()).isEqualTo(Curve.P_256);
        assertThat(jwk.isPrivate()).isFalse();
        assertThat(jwk.toECPublicKey().getW()).isEqualTo(((ECPublicKey) pair.getPublic()).getW());
        assertThat(key.thumbprint()).isEqualTo(jwk.computeThumbprint().toString());
    }

    @Test
    void batonsValidatorAcceptsATokenBoundToANativeProvidersKey() throws Exception {
        DPoPKey key = DPoPKey.generate(CONSCRYPT);
        String token = token().claim("cnf", Map.of("jkt", key.thumbprint())).sign();
        String proof = IssuedSecrets.rememberToken(key.proof("POST", URI.create(URL), token, null));
        TokenValidator validator = validator();
        try {
            ValidatedToken user = validator.validate(PresentedToken.dpop(token, proof, "POST", URI.create(URL)),
                    AuditContext.of("POST", "/mcp"));

            assertThat(user.dpopKeyThumbprint()).hasValue(key.thumbprint());
        } finally {
            validator.close();
        }
    }
}
