package dev.baton.internal.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.baton.internal.Checks;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Signs DPoP proofs (RFC 9449 §4) with one key: the one place Baton makes them, for the token
 * endpoint (§5) and for requests to resource servers (§7). Nimbus' {@link DefaultDPoPProofFactory}
 * builds and signs each proof ({@code typ dpop+jwt}, the public {@code jwk}, a fresh random
 * {@code jti}, {@code iat}); this class picks the key, normalises {@code htu} and checks what goes
 * into a proof. Thread-safe. {@link #toString()} shows the algorithm and the thumbprint, never the
 * private key. Not API.
 */
public final class ProofSigner {
    /** The signature algorithms a DPoP key may use. */
    public static final Set<String> ALGORITHMS = Set.of("ES256", "RS256", "PS256");
    private static final int MIN_RSA_BITS = 2048;
    private static final int MAX_METHOD = 32;

    private final DefaultDPoPProofFactory factory;
    private final String algorithm;
    private final String thumbprint;

    private ProofSigner(JWK key, JWSAlgorithm algorithm) {
        try {
            this.factory = new DefaultDPoPProofFactory(key, algorithm);
            this.thumbprint = JWKThumbprintConfirmation.of(key.toPublicJWK()).getValue().toString();
        } catch (JOSEException e) {
            // Never e's message: it could describe the key.
            throw new IllegalArgumentException("the DPoP key cannot sign " + algorithm + " proofs");
        }
        this.algorithm = algorithm.getName();
    }

    /** A signer with a new EC P-256 key (ES256), the default DPoP key: small proofs, fast to sign. */
    public static ProofSigner generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return of(generator.generateKeyPair(), "ES256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate an EC P-256 key for DPoP", e);
        }
    }

    /**
     * A signer for {@code keyPair} and {@code algorithm}: ES256 with an EC P-256 key, RS256 or PS256
     * with an RSA key of at least 2048 bits. The private key may be one whose bytes cannot be read
     * (a hardware module): only {@code Signature} is asked of it.
     *
     * @throws IllegalArgumentException if the algorithm is not one of {@link #ALGORITHMS} or does not
     *     fit the key
     */
    public static ProofSigner of(KeyPair keyPair, String algorithm) {
        Objects.requireNonNull(keyPair, "keyPair");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(keyPair.getPublic(), "keyPair's public key");
        Objects.requireNonNull(keyPair.getPrivate(), "keyPair's private key");
        Checks.requireArgument(ALGORITHMS.contains(algorithm),
                "DPoP algorithm must be one of ES256, RS256, PS256 (asymmetric, RFC 9449 section 4.2)");
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
        if (algorithm.equals("ES256")) {
            Checks.requireArgument(keyPair.getPublic() instanceof ECPublicKey ec
                    && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams())),
                    "an ES256 DPoP key must be an EC P-256 key pair");
            return new ProofSigner(new ECKey.Builder(Curve.P_256, (ECPublicKey) keyPair.getPublic())
                    .privateKey(keyPair.getPrivate()).build(), alg);
        }
        Checks.requireArgument(keyPair.getPublic() instanceof RSAPublicKey rsa
                && rsa.getModulus().bitLength() >= MIN_RSA_BITS,
                "an " + algorithm + " DPoP key must be an RSA key pair of at least 2048 bits");
        return new ProofSigner(new RSAKey.Builder((RSAPublicKey) keyPair.getPublic())
                .privateKey(keyPair.getPrivate()).build(), alg);
    }

    /** The JWS algorithm of the proofs, for example {@code ES256}. */
    public String algorithm() {
        return algorithm;
    }

    /**
     * The RFC 7638 SHA-256 thumbprint of the public key, base64url: the {@code jkt} an authorization
     * server puts in a DPoP-bound token's {@code cnf} claim (RFC 9449 §6.1).
     */
    public String thumbprint() {
        return thumbprint;
    }

    /**
     * A fresh proof for one HTTP request.
     *
     * @param method the request's method ({@code htm}), for example {@code POST}
     * @param url the request's URL; its query and fragment are left out of {@code htu} (RFC 9449 §4.2)
     * @param accessToken the access token sent with the request, whose hash goes into {@code ath}
     *     (§7), or {@code null} at the token endpoint
     * @param nonce the server's latest {@code DPoP-Nonce} (§8, §9), or {@code null}
     * @throws IllegalArgumentException if the method is not an HTTP token, the URL not absolute
     *     http(s), or the nonce not a valid nonce
     * @throws IllegalStateException if signing failed
     */
    public SignedJWT sign(String method, URI url, String accessToken, String nonce) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Checks.requireArgument(!method.isEmpty() && method.length() <= MAX_METHOD
                && method.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0),
                "the HTTP method of a DPoP proof must be an RFC 9110 method token");
        Checks.requireArgument(nonce == null || DPoPNonce.isValid(nonce), "the DPoP nonce is not an RFC 9449 "
                + "section 8.1 nonce");
        try {
            return factory.createDPoPJWT(method, targetUri(url),
                    accessToken == null ? null : new DPoPAccessToken(accessToken),
                    nonce == null ? null : new Nonce(nonce));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the DPoP proof: " + e.getClass().getSimpleName());
        }
    }

    /** {@link #sign}, serialised: the value of a {@code DPoP} header. */
    public String proof(String method, URI url, String accessToken, String nonce) {
        return sign(method, url, accessToken, nonce).serialize();
    }

    /**
     * {@code url} as {@code htu}: scheme and host in lower case, the port when it is not the
     * scheme's default, the path ({@code /} when empty); no user info, query or fragment (RFC 9449
     * §4.2, compared by the server after RFC 3986 §6 normalisation).
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL with a host
     */
    public static URI targetUri(URI url) {
        String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        Checks.requireArgument(("https".equals(scheme) || "http".equals(scheme)) && url.getHost() != null,
                "a DPoP proof's URL must be an absolute http(s) URL with a host");
        int port = url.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443)
                || ("http".equals(scheme) && port == 80);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return URI.create(scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port)
                + path);
    }

    @Override
    public String toString() {
        return "DPoP key[alg=" + algorithm + ", jkt=" + thumbprint + "]";
    }
}
