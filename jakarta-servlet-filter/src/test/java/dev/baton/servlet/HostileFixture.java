package dev.baton.servlet;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.JwtBuilder;
import dev.baton.testkit.TestAuthorizationServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * What the hostile cases are made from: the issuer whose keys sign them, token helpers for the
 * forgeries {@link JwtBuilder} cannot express (a signature over other bytes than the token
 * carries, a JWE), a server that must never be called, and an RFC 7662 introspection endpoint
 * whose answer each opaque test token chooses by its name.
 */
final class HostileFixture {
    static final String AUDIENCE = "mcpserver";
    static final String SCOPE = "mcp:tools:call";
    static final String INTROSPECTION_PATH = "/v1/introspect-recorded";

    /** Opaque tokens, each naming the introspection answer it gets. */
    static final String OPAQUE_ACCESS = "opaque-access-no-type-0001";
    static final String OPAQUE_ACCESS_OKTA = "opaque-access-okta-bearer-0001";
    static final String OPAQUE_ACCESS_ORY = "opaque-access-ory-access-0001";
    static final String OPAQUE_REFRESH_ORY = "opaque-refresh-ory-token-use-0001";
    static final String OPAQUE_REFRESH_DUENDE = "opaque-refresh-duende-token-type-0001";
    static final String OPAQUE_REFRESH_URN = "opaque-refresh-urn-token-type-0001";
    static final String OPAQUE_INACTIVE = "opaque-inactive-0001";
    static final String OPAQUE_NO_AUDIENCE = "opaque-no-audience-0001";
    static final String OPAQUE_NUMERIC_SUBJECT = "opaque-numeric-subject-0001";

    final TestAuthorizationServer as;
    /** A URL on a server that counts requests and must never get one. */
    final String elsewhere;
    /** The {@code token_type_hint} of each introspection request, by token. */
    final Map<String, String> introspectionHints = new ConcurrentHashMap<>();

    HostileFixture(TestAuthorizationServer as, String elsewhere) {
        this.as = as;
        this.elsewhere = elsewhere;
        as.route(INTROSPECTION_PATH, this::introspect);
        for (String opaque : List.of(OPAQUE_ACCESS, OPAQUE_ACCESS_OKTA, OPAQUE_ACCESS_ORY, OPAQUE_REFRESH_ORY,
                OPAQUE_REFRESH_DUENDE, OPAQUE_REFRESH_URN, OPAQUE_INACTIVE, OPAQUE_NO_AUDIENCE, OPAQUE_NUMERIC_SUBJECT)) {
            IssuedSecrets.remember(opaque);
        }
    }

    /** A token that passes every check: subject alice, audience mcpserver, the required scope. */
    JwtBuilder token() {
        return as.token().subject("alice").audience(AUDIENCE).scope(SCOPE);
    }

    String good() {
        return token().sign();
    }

    /** A good token whose claims were written by hand (for JSON no map can hold), signed properly. */
    String withRawClaims(String claimsJson) {
        return token().rawPayload(claimsJson).sign();
    }

    /** The claims of a good token as JSON, with {@code extra} members added or replacing. */
    String claimsJson(Map<String, Object> extra) {
        Map<String, Object> claims = new LinkedHashMap<>(token().claims());
        claims.putAll(extra);
        return JSONObjectUtils.toJSONString(claims);
    }

    /**
     * The RFC 7797 forgery: header {@code b64:false, crit:[b64]}, the claims base64url-encoded in
     * the token as usual, but signed over the raw claims, as an unencoded-payload JWS would be.
     */
    String unencodedPayloadJws() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("kid", as.signingKey().getKeyID());
        header.put("typ", "at+jwt");
        header.put("b64", false);
        header.put("crit", List.of("b64"));
        String claims = claimsJson(Map.of());
        Base64URL encodedHeader = Base64URL.encode(JSONObjectUtils.toJSONString(header));
        byte[] signed = (encodedHeader + "." + claims).getBytes(StandardCharsets.UTF_8);
        try {
            Base64URL signature = new RSASSASigner(as.signingKey()).sign(new JWSHeader(JWSAlgorithm.RS256), signed);
            return IssuedSecrets.rememberToken(encodedHeader + "." + Base64URL.encode(claims) + "." + signature);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A good signed token, encrypted to the issuer's RSA key (RFC 7516 JWE, nested JWS in JWE). */
    String encryptedGoodToken() {
        try {
            JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                    .contentType("JWT").build(), new Payload(good()));
            jwe.encrypt(new RSAEncrypter(as.rsaKey().toRSAPublicKey()));
            return IssuedSecrets.rememberToken(jwe.serialize());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A good token whose signature uses {@code -} or {@code _}, re-encoded with {@code +} and {@code /} (RFC 4648 §4). */
    String standardAlphabetSignature() {
        String token = good();
        while (!signatureOf(token).matches(".*[-_].*")) {
            token = good();
        }
        int dot = token.lastIndexOf('.');
        return token.substring(0, dot + 1) + signatureOf(token).replace('-', '+').replace('_', '/');
    }

    /**
     * A good token whose last signature character has non-zero pad bits: an RS256 signature is 256
     * bytes, so its last character carries 2 data bits and 4 bits that RFC 4648 §3.5 requires to be
     * zero. It decodes to the same bytes, but it is another string (RFC 7515 §2 base64url is canonical).
     */
    String nonZeroPadBits() {
        String token = good();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(token.charAt(token.length() - 1));
        return token.substring(0, token.length() - 1) + alphabet.charAt(last | 1);
    }

    /** {@code token} with {@code text} inserted into the middle of its signature. */
    static String insertedIntoSignature(String token, String text) {
        int dot = token.lastIndexOf('.');
        int middle = dot + (token.length() - dot) / 2;
        return token.substring(0, middle) + text + token.substring(middle);
    }

    /** {@code token} with {@code text} appended to segment {@code index} (0 header, 1 claims, 2 signature). */
    static String appendedToSegment(String token, int index, String text) {
        String[] parts = token.split("\\.", -1);
        parts[index] = parts[index] + text;
        return String.join(".", parts);
    }

    private static String signatureOf(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    private MockResponse introspect(RecordedRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : request.getBody().utf8().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String token = form.getOrDefault("token", "");
        introspectionHints.put(token, form.getOrDefault("token_type_hint", ""));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("iss", as.issuer());
        answer.put("sub", "alice");
        answer.put("aud", AUDIENCE);
        answer.put("scope", SCOPE);
        answer.put("client_id", "vscode");
        answer.put("exp", Instant.now().plusSeconds(300).getEpochSecond());
        switch (token) {
            case OPAQUE_ACCESS -> { }
            case OPAQUE_ACCESS_OKTA -> answer.put("token_type", "Bearer");
            case OPAQUE_ACCESS_ORY -> answer.put("token_use", "access_token");
            case OPAQUE_REFRESH_ORY -> answer.put("token_use", "refresh_token");
            case OPAQUE_REFRESH_DUENDE -> answer.put("token_type", "refresh_token");
            case OPAQUE_REFRESH_URN -> answer.put("token_type", "urn:ietf:params:oauth:token-type:refresh_token");
            case OPAQUE_NO_AUDIENCE -> answer.remove("aud");
            case OPAQUE_NUMERIC_SUBJECT -> answer.put("sub", 42);
            default -> {
                answer.clear();
                answer.put("active", false);
            }
        }
        return TestAuthorizationServer.json(JSONObjectUtils.toJSONString(answer));
    }
}
