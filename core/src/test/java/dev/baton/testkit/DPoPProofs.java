package dev.baton.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A DPoP client's key and the proofs it makes (RFC 9449 §4.2), for tests of the incoming side. Good
 * proofs come from Nimbus' {@link DefaultDPoPProofFactory}; {@link #header()}, {@link #claims} and
 * {@link #signRaw} build the hostile ones a factory refuses to make (a private key in {@code jwk},
 * a wrong {@code typ}, missing claims). Every proof made here is remembered in {@link IssuedSecrets},
 * so a proof in a log line fails the run.
 */
public final class DPoPProofs {
    private final JWK key;
    private final JWSAlgorithm alg;
    private final DefaultDPoPProofFactory factory;

    private DPoPProofs(JWK key, JWSAlgorithm alg) {
        this.key = key;
        this.alg = alg;
        try {
            this.factory = new DefaultDPoPProofFactory(key, alg);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh EC P-256 key, signing ES256. */
    public static DPoPProofs es256() {
        try {
            return new DPoPProofs(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code key} (with its private part) signing with {@code alg}. */
    public static DPoPProofs of(JWK key, String alg) {
        return new DPoPProofs(key, JWSAlgorithm.parse(alg));
    }

    /** The RFC 7638 SHA-256 thumbprint of the key: the {@code cnf.jkt} of tokens bound to it. */
    public String thumbprint() {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code cnf} claim of a token bound to this key. */
    public Map<String, Object> cnf() {
        return Map.of("jkt", thumbprint());
    }

    /** The key with its private part. */
    public JWK key() {
        return key;
    }

    /** A proof for {@code method} and {@code uri} with {@code token}'s {@code ath}, issued now, with a fresh {@code jti}. */
    public String proof(String method, String uri, String token) {
        return proof(Instant.now(), method, uri, token, null);
    }

    /** As {@link #proof(String, String, String)}, carrying the server's {@code nonce}. */
    public String proof(String method, String uri, String token, String nonce) {
        return proof(Instant.now(), method, uri, token, nonce);
    }

    /** A proof issued at {@code iat}. */
    public String proof(Instant iat, String method, String uri, String token, String nonce) {
        try {
            return IssuedSecrets.rememberToken(factory.createDPoPJWT(new JWTID(), method, URI.create(uri),
                    Date.from(iat), new DPoPAccessToken(token), nonce == null ? null : new Nonce(nonce)).serialize());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header of a good proof: {@code typ}, {@code alg} and the public {@code jwk}, as JSON members. */
    public Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("typ", "dpop+jwt");
        h.put("alg", alg.getName());
        h.put("jwk", key.toPublicJWK().toJSONObject());
        return h;
    }

    /** The claims of a good proof, issued now, as JSON members. */
    public static Map<String, Object> claims(String method, String uri, String token) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("jti", UUID.randomUUID().toString());
        c.put("htm", method);
        c.put("htu", uri);
        c.put("iat", Instant.now().getEpochSecond());
        c.put("ath", ath(token));
        return c;
    }

    /**
     * {@code header} and {@code claims} as a compact JWS signed with this key and this key's
     * algorithm, whatever {@code header} says.
     */
    public String signRaw(Map<String, Object> header, Map<String, Object> claims) {
        String input = Base64URL.encode(JSONObjectUtils.toJSONString(header)).toString() + "."
                + Base64URL.encode(JSONObjectUtils.toJSONString(claims));
        try {
            Base64URL signature = new DefaultJWSSignerFactory().createJWSSigner(key, alg)
                    .sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
            return IssuedSecrets.rememberToken(input + "." + signature);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code header} and {@code claims} with an empty signature ({@code alg: none} and the like). */
    public static String unsigned(Map<String, Object> header, Map<String, Object> claims) {
        return IssuedSecrets.remember(Base64URL.encode(JSONObjectUtils.toJSONString(header)) + "."
                + Base64URL.encode(JSONObjectUtils.toJSONString(claims)) + ".");
    }

    /** RFC 9449 §4.2 {@code ath}: base64url SHA-256 of the ASCII token. */
    public static String ath(String token) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
