package dev.baton.internal.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DPoPUtils;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.baton.internal.Checks;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Signs DPoP proofs (RFC 9449 §4) with one key: the one place Baton makes them, for the token
 * endpoint (§5) and for requests to resource servers (§7). Nimbus makes every part of a proof: the
 * claims ({@link DPoPUtils#createJWTClaimsSet}: {@code jti}, {@code htm}, {@code htu}, {@code iat},
 * {@code ath}, {@code nonce}), the header ({@code typ dpop+jwt}, the public {@code jwk}), the
 * {@link JWSObject} and its {@link JWSSigner} ({@link ECDSASigner}, {@link RSASSASigner}); this class
 * picks the key and the JCA provider, normalises {@code htu} and checks what goes into a proof.
 * Thread-safe. {@link #toString()} shows the algorithm and the thumbprint, never the private key. Not
 * API.
 *
 * <p>It does what {@link DefaultDPoPProofFactory} does, with three differences. Two move work out of
 * the per-proof path, because an outgoing call pays for a proof every time (docs/dpop.md "Cost"): the
 * header, the same for every proof of a key, is built and serialised once (the factory rebuilt it and
 * serialised its {@code jwk} to JSON and base64url on every proof), and the claims' JSON is encoded with
 * the JDK's base64url encoder rather than Nimbus' slower one. The third keeps the application's private
 * key object: the factory signs with a JWK's private key, which for an {@code ECPrivateKey} or
 * {@code RSAPrivateKey} is a new JDK key made from its numbers, not the object a hardware module or a
 * named provider gave. The compact form is the same, and Nimbus' {@code
 * DPoPProtectedResourceRequestVerifier} verifies it (DPoPKeyTest).
 */
public final class ProofSigner {
    /** The signature algorithms a DPoP key may use. */
    public static final Set<String> ALGORITHMS = Set.of("ES256", "RS256", "PS256");
    private static final int MIN_RSA_BITS = 2048;
    private static final int MAX_METHOD = 32;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final URI SELF_TEST_URL = URI.create("https://dpop-key-check.invalid/");

    private final JWSHeader header;
    private final JWSSigner signer;
    private final String algorithm;
    private final String thumbprint;
    private final String providerName;

    private ProofSigner(JWK publicKey, PrivateKey privateKey, JWSAlgorithm algorithm, Provider provider) {
        this.algorithm = algorithm.getName();
        this.providerName = provider == null ? null : provider.getName();
        try {
            // The signer gets the private key object as it is. A JWK built with the private key would
            // copy an ECPrivateKey's or RSAPrivateKey's numbers out and sign with a new JDK key made
            // from them: a hardware module's key would leave it, and a provider would be handed a key
            // of another provider (BouncyCastle then rebuilds its curve for every signature).
            this.signer = algorithm.equals(JWSAlgorithm.ES256) ? new ECDSASigner(privateKey, Curve.P_256)
                    : new RSASSASigner(privateKey);
            // The signer asks the provider for its Signature on every proof (Nimbus' JCA context).
            signer.getJCAContext().setProvider(provider);
            // Parsed back from its own serialisation, the header keeps that base64url (Nimbus' Header
            // returns a parsed header's form as it is): one serialisation of the jwk per key, not per proof.
            this.header = JWSHeader.parse(new JWSHeader.Builder(algorithm).type(DPoPProofFactory.TYPE)
                    .jwk(publicKey).build().toBase64URL());
            this.thumbprint = JWKThumbprintConfirmation.of(publicKey).getValue().toString();
        } catch (JOSEException | ParseException | RuntimeException e) {
            // Never e's message: it could describe the key.
            throw new IllegalArgumentException("the DPoP key cannot sign " + algorithm + " proofs"
                    + (providerName == null ? "" : " with JCA provider " + providerName) + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        requireWorkingKey(publicKey, algorithm);
    }

    /** A signer with a new EC P-256 key (ES256), the default DPoP key: small proofs, fast to sign. */
    public static ProofSigner generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return of(generator.generateKeyPair(), "ES256", null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate an EC P-256 key for DPoP", e);
        }
    }

    /**
     * A signer with a new EC P-256 key (ES256) generated by {@code provider}, which also signs the
     * proofs: a key that lives in a hardware module (PKCS#11) or a provider that signs faster than the
     * JDK's own.
     *
     * @throws IllegalArgumentException if the provider generates no EC P-256 key pair, or cannot sign
     *     ES256 with the key it generated
     */
    public static ProofSigner generate(Provider provider) {
        Objects.requireNonNull(provider, "provider");
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the JCA provider " + provider.getName() + " cannot generate an "
                    + "EC P-256 key pair for DPoP (" + e.getClass().getSimpleName() + ")");
        }
        return of(pair, "ES256", provider);
    }

    /**
     * A signer for {@code keyPair} and {@code algorithm}: ES256 with an EC P-256 key, RS256 or PS256
     * with an RSA key of at least 2048 bits. The private key may be one whose bytes cannot be read
     * (a hardware module): only {@code Signature} is asked of it. One proof is signed and verified
     * with the public key at once, so a key that cannot sign, or a private key that is not the
     * public key's, fails here rather than on the first request.
     *
     * @param provider the JCA provider whose {@code Signature} signs the proofs, or {@code null} for
     *     the JCA's choice (the first installed provider that can)
     * @throws IllegalArgumentException if the algorithm is not one of {@link #ALGORITHMS} or does not
     *     fit the key, or the key (with the provider, if given) cannot sign verifiable proofs
     */
    public static ProofSigner of(KeyPair keyPair, String algorithm, Provider provider) {
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
            return new ProofSigner(new ECKey.Builder(Curve.P_256, (ECPublicKey) keyPair.getPublic()).build(),
                    keyPair.getPrivate(), alg, provider);
        }
        Checks.requireArgument(keyPair.getPublic() instanceof RSAPublicKey rsa
                && rsa.getModulus().bitLength() >= MIN_RSA_BITS,
                "an " + algorithm + " DPoP key must be an RSA key pair of at least 2048 bits");
        return new ProofSigner(new RSAKey.Builder((RSAPublicKey) keyPair.getPublic()).build(),
                keyPair.getPrivate(), alg, provider);
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
     * A fresh proof for one HTTP request, in compact form: the value of a {@code DPoP} header.
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
    public String proof(String method, URI url, String accessToken, String nonce) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Checks.requireArgument(!method.isEmpty() && method.length() <= MAX_METHOD
                && method.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0),
                "the HTTP method of a DPoP proof must be an RFC 9110 method token");
        Checks.requireArgument(nonce == null || DPoPNonce.isValid(nonce), "the DPoP nonce is not an RFC 9449 "
                + "section 8.1 nonce");
        URI htu = targetUri(url);
        try {
            // The jti as DefaultDPoPProofFactory makes it: 12 random bytes (96 bits) from a SecureRandom.
            String claims = JSONObjectUtils.toJSONString(DPoPUtils.createJWTClaimsSet(
                    new JWTID(DPoPProofFactory.MINIMAL_JTI_BYTE_LENGTH), method, htu, new Date(),
                    accessToken == null ? null : new DPoPAccessToken(accessToken),
                    nonce == null ? null : new Nonce(nonce)).toJSONObject());
            JWSObject proof = new JWSObject(header,
                    new Payload(new Base64URL(BASE64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8)))));
            proof.sign(signer);
            return proof.serialize();
        } catch (JOSEException | RuntimeException e) {
            // Never e's message: a provider may describe the key in it.
            throw new IllegalStateException("cannot sign the DPoP proof with the " + algorithm + " key"
                    + (providerName == null ? "" : " of JCA provider " + providerName) + ": "
                    + e.getClass().getSimpleName());
        }
    }

    /**
     * Signs one proof and verifies it with the public key (with the JDK's own providers), so a
     * provider without the algorithm, a key it cannot use, or a private key of another pair is
     * refused when the key is made.
     */
    private void requireWorkingKey(JWK publicKey, JWSAlgorithm alg) {
        String what = "the DPoP key" + (providerName == null ? "" : " with JCA provider " + providerName);
        String sample;
        try {
            sample = proof("POST", SELF_TEST_URL, null, null);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(what + " cannot sign " + alg + " proofs");
        }
        boolean verified;
        try {
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(header,
                    publicKey instanceof ECKey ec ? ec.toECPublicKey() : ((RSAKey) publicKey).toRSAPublicKey());
            verified = JWSObject.parse(sample).verify(verifier);
        } catch (JOSEException | ParseException e) {
            verified = false;
        }
        Checks.requireArgument(verified, what + " signs " + alg + " proofs that its public key does not verify: "
                + "the private key is not the public key's");
    }

    /**
     * {@code url} as {@code htu}: scheme and host in lower case, the port when it is not the
     * scheme's default, the path ({@code /} when empty); no user info, query or fragment (RFC 9449
     * §4.2, compared by the server after RFC 3986 §6 normalisation).
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL with a host
     */
    public static URI targetUri(URI url) {
        String origin = origin(url);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String htu = origin + path;
        // Most URLs (OkHttp's among them) are already in this form: then no second URI is parsed.
        return htu.equals(url.toString()) ? url : URI.create(htu);
    }

    /**
     * The origin of {@code url} as {@code htu} begins: {@code scheme://host[:port]}, scheme and host in
     * lower case, no default port.
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL with a host
     */
    static String origin(URI url) {
        String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        Checks.requireArgument(("https".equals(scheme) || "http".equals(scheme)) && url.getHost() != null,
                "a DPoP proof's URL must be an absolute http(s) URL with a host");
        int port = url.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443)
                || ("http".equals(scheme) && port == 80);
        return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** {@code ", provider=<name>"} when a JCA provider was named, otherwise empty: for {@code toString()}. */
    public String providerSuffix() {
        return providerName == null ? "" : ", provider=" + providerName;
    }

    @Override
    public String toString() {
        return "DPoP key[alg=" + algorithm + ", jkt=" + thumbprint + providerSuffix() + "]";
    }
}
