package dev.baton.internal.validation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import dev.baton.TokenValidationException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
     * Passes when a key of the issuer verifies the signature of the compact JWS whose characters
     * are {@code jws}.
     *
     * @param header the token's parsed and checked JWS header
     * @param jws the token's characters, one byte each (it is ASCII: its shape was checked)
     * @param secondDot the index of the second {@code '.'}: the signing input is {@code jws[0, secondDot)}
     *     (RFC 7515 §5.2 step 8), the signature's base64url the rest
     * @throws TokenValidationException {@code invalid_token} when no key fits (as the JWKS endpoint
     *     said at its latest fetch) or none verifies; service-unavailable when the keys cannot be
     *     fetched and none is still usable, or when no cached key fits while the endpoint fails
     */
    void verify(JWSHeader header, byte[] jws, int secondDot) throws TokenValidationException {
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
        JWSAlgorithm alg = header.getAlgorithm();
        if (JcaSignatures.handles(alg)) {
            // Decoded by the JDK's decoder: the token passed the canonical base64url check, so it
            // gives Nimbus' bytes, several times faster. The signing input is the token's own
            // bytes, not a copy. Checked with a JDK Signature looked up once per thread.
            byte[] signatureBytes;
            try {
                signatureBytes = Base64.getUrlDecoder().decode(Arrays.copyOfRange(jws, secondDot + 1, jws.length));
            } catch (IllegalArgumentException e) {
                throw reject.invalid("token signature is invalid");
            }
            for (JwksCache.Key k : keys) {
                if (JcaSignatures.verify(alg, k.publicKey(), jws, secondDot, signatureBytes)) {
                    return;
                }
            }
            throw reject.invalid("token signature is invalid");
        }
        byte[] input = Arrays.copyOf(jws, secondDot);
        Base64URL signature = new Base64URL(new String(jws, secondDot + 1, jws.length - secondDot - 1,
                StandardCharsets.ISO_8859_1));
        for (JwksCache.Key k : keys) {
            try {
                if (k.verifier().verify(header, input, signature)) {
                    return;
                }
            } catch (JOSEException e) {
                // A key that cannot check this signature simply does not verify it.
            }
        }
        throw reject.invalid("token signature is invalid");
    }
}
