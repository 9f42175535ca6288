package dev.baton.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mints one JWT for a test: a fluent claim and header builder that ends in {@link #sign()} or in
 * one of the hostile variants ({@link #signAlgNone(String)}, {@link #signHmacWithPublicKey()},
 * {@link #signWith(JWK)} with a key the issuer never published). Obtain one from
 * {@link TestAuthorizationServer#token()}. Not thread-safe; use each builder once.
 *
 * <p>Headers are written as given, so registered names the real libraries refuse to set by hand
 * ({@code jku}, {@code x5u}, {@code jwk}, {@code crit}, any {@code alg}) can be forged with
 * {@link #header(String, Object)}.
 *
 * <p>Every token it returns is remembered in {@link IssuedSecrets}, so the run fails if a log line
 * shows it.
 */
public final class JwtBuilder {
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private JWK key;
    private String rawPayload;
    private String signingAlgorithm;

    JwtBuilder(String issuer, RSAKey key, Clock clock) {
        this.key = key;
        header.put("alg", "RS256");
        header.put("typ", "at+jwt");
        header.put("kid", key.getKeyID());
        Instant now = clock.instant();
        claims.put("iss", issuer);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofMinutes(5)).getEpochSecond());
        claims.put("jti", java.util.UUID.randomUUID().toString());
    }

    /** Sets {@code iss}. */
    public JwtBuilder issuer(String issuer) {
        return claim("iss", issuer);
    }

    /** Sets {@code sub}. */
    public JwtBuilder subject(String subject) {
        return claim("sub", subject);
    }

    /** Sets {@code aud}: a string for one value, an array for several. */
    public JwtBuilder audience(String... audiences) {
        return claim("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
    }

    /** Sets {@code aud} as an array, even for one value. */
    public JwtBuilder audienceArray(String... audiences) {
        return claim("aud", List.of(audiences));
    }

    /** Sets {@code scope} as a space-separated string (RFC 9068 §2.2.3, Keycloak). */
    public JwtBuilder scope(String spaceSeparated) {
        return claim("scope", spaceSeparated);
    }

    /** Sets {@code scp} as an array (Okta). */
    public JwtBuilder scp(String... scopes) {
        return claim("scp", List.of(scopes));
    }

    /** Sets {@code client_id}. */
    public JwtBuilder clientId(String clientId) {
        return claim("client_id", clientId);
    }

    /** Sets {@code iat}. */
    public JwtBuilder issuedAt(Instant time) {
        return claim("iat", time.getEpochSecond());
    }

    /** Sets {@code exp} to {@code time}. */
    public JwtBuilder expiresAt(Instant time) {
        return claim("exp", time.getEpochSecond());
    }

    /** Sets {@code exp} to {@code iat + lifetime} (negative for an expired token). */
    public JwtBuilder expiresIn(Duration lifetime) {
        long iat = ((Number) claims.get("iat")).longValue();
        return claim("exp", iat + lifetime.getSeconds());
    }

    /** Sets {@code nbf}. */
    public JwtBuilder notBefore(Instant time) {
        return claim("nbf", time.getEpochSecond());
    }

    /** Sets any claim; {@code null} removes it. Values are written as JSON (maps, lists, numbers, strings). */
    public JwtBuilder claim(String name, Object value) {
        if (value == null) {
            claims.remove(name);
        } else {
            claims.put(name, value);
        }
        return this;
    }

    /** Replaces the whole payload with {@code json} as given (need not be valid JSON). */
    public JwtBuilder rawPayload(String json) {
        this.rawPayload = json;
        return this;
    }

    /** Sets {@code typ}; {@code null} removes it. */
    public JwtBuilder type(String typ) {
        return header("typ", typ);
    }

    /** Sets {@code kid}; {@code null} removes it. */
    public JwtBuilder keyId(String kid) {
        return header("kid", kid);
    }

    /** Sets the {@code alg} header and the algorithm used to sign (e.g. {@code RS512}, {@code PS256}, {@code ES256}). */
    public JwtBuilder algorithm(String alg) {
        return header("alg", alg);
    }

    /**
     * Signs with {@code alg} whatever the {@code alg} header says, for algorithm-confusion tests
     * (e.g. header {@code ES384}, signature made with ES256).
     */
    public JwtBuilder signingAlgorithm(String alg) {
        this.signingAlgorithm = alg;
        return this;
    }

    /** Sets any header parameter verbatim ({@code jku}, {@code x5u}, {@code jwk}, {@code cty}, ...); {@code null} removes it. */
    public JwtBuilder header(String name, Object value) {
        if (value == null) {
            header.remove(name);
        } else {
            header.put(name, value);
        }
        return this;
    }

    /**
     * Signs with {@code key} instead of the server's signing key (RSA or EC, private part needed),
     * setting {@code kid} to the key's id and, for an EC key, {@code alg} to {@code ES256}.
     */
    public JwtBuilder signWith(JWK key) {
        this.key = Objects.requireNonNull(key);
        header.put("kid", key.getKeyID());
        if (key instanceof ECKey) {
            header.put("alg", "ES256");
        }
        if (key.getKeyID() == null) {
            header.remove("kid");
        }
        return this;
    }

    /** The claims as they will be signed (a copy). */
    public Map<String, Object> claims() {
        return new LinkedHashMap<>(claims);
    }

    /** The compact JWS, signed with the configured key and {@code alg}. */
    public String sign() {
        String alg = signingAlgorithm != null ? signingAlgorithm : (String) header.get("alg");
        String input = signingInput();
        Base64URL sig = TestAuthorizationServer.sign(signer(), alg, input.getBytes(StandardCharsets.US_ASCII));
        return IssuedSecrets.rememberToken(input + "." + sig);
    }

    /** An unsecured JWT ({@code alg} set to {@code algValue}, e.g. {@code none} or {@code NoNe}) with an empty signature. */
    public String signAlgNone(String algValue) {
        header.put("alg", algValue);
        return IssuedSecrets.rememberToken(signingInput() + ".");
    }

    /**
     * The RFC 8725 §2.1 / CVE-2015-9235 confusion attack: {@code alg} HS256, MAC keyed with the
     * PEM text of the signing key's RSA public key.
     */
    public String signHmacWithPublicKey() {
        header.put("alg", "HS256");
        String input = signingInput();
        try {
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(
                            key.toRSAKey().toPublicKey().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            Base64URL sig = TestAuthorizationServer.sign(new MACSigner(pem.getBytes(StandardCharsets.US_ASCII)),
                    "HS256", input.getBytes(StandardCharsets.US_ASCII));
            return IssuedSecrets.rememberToken(input + "." + sig);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private String signingInput() {
        String payload = rawPayload != null ? rawPayload : JSONObjectUtils.toJSONString(claims);
        return Base64URL.encode(JSONObjectUtils.toJSONString(header)) + "." + Base64URL.encode(payload);
    }

    private JWSSigner signer() {
        try {
            if (key instanceof RSAKey rsa) {
                return new RSASSASigner(rsa.toPrivateKey(), java.util.Set.of(AllowWeakRSAKey.getInstance()));
            }
            if (key instanceof ECKey ec) {
                return new ECDSASigner(ec);
            }
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("cannot sign with a " + key.getKeyType() + " key");
    }
}
