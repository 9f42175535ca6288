package dev.baton.internal.validation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.TokenValidationException;
import java.util.Base64;
import java.util.List;

/**
 * The key and signature step of JWT validation: the candidate keys come from the issuer's JWKS
 * only, selected by {@code kid} and algorithm, and one of them must verify the signature. Not API.
 */
final class SignatureCheck {
    private final JwksCache jwks;
    private final Rejections reject;

    SignatureCheck(JwksCache jwks, Rejections reject) {
        this.jwks = jwks;
        this.reject = reject;
    }

    /**
     * Passes when a key of the issuer verifies {@code jwt}'s signature.
     *
     * @throws TokenValidationException {@code invalid_token} when no key fits (as the JWKS endpoint
     *     said at its latest fetch) or none verifies; service-unavailable when the keys cannot be
     *     fetched and none is still usable, or when no cached key fits while the endpoint fails
     */
    void verify(SignedJWT jwt) throws TokenValidationException {
        JWSHeader header = jwt.getHeader();
        List<JwksCache.Key> keys;
        try {
            // Keys come only from the issuer's JWKS; jku, x5u, jwk and x5c headers are never used (RFC 8725 §3.10).
            keys = jwks.verifiersFor(header.getKeyID(), header.getAlgorithm());
        } catch (JwksCache.KeysUnavailableException e) {
            throw reject.unavailable(e);
        }
        if (keys.isEmpty()) {
            throw reject.invalid("no signing key matches the token");
        }
        byte[] input = jwt.getSigningInput();
        JWSAlgorithm alg = header.getAlgorithm();
        if (JcaSignatures.handles(alg)) {
            // Decoded once for every candidate key, by the JDK's decoder: the token passed the
            // canonical base64url check, so it gives Nimbus' bytes, several times faster. Checked
            // with a JDK Signature looked up once per thread.
            byte[] signatureBytes;
            try {
                signatureBytes = Base64.getUrlDecoder().decode(jwt.getSignature().toString());
            } catch (IllegalArgumentException e) {
                throw reject.invalid("token signature is invalid");
            }
            for (JwksCache.Key k : keys) {
                if (JcaSignatures.verify(alg, k.publicKey(), input, signatureBytes)) {
                    return;
                }
            }
            throw reject.invalid("token signature is invalid");
        }
        for (JwksCache.Key k : keys) {
            try {
                if (k.verifier().verify(header, input, jwt.getSignature())) {
                    return;
                }
            } catch (JOSEException e) {
                // A key that cannot check this signature simply does not verify it.
            }
        }
        throw reject.invalid("token signature is invalid");
    }
}
