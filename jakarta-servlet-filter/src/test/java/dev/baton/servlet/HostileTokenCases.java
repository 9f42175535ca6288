package dev.baton.servlet;

import static dev.baton.servlet.HostileCase.Expect.ACCEPTED;
import static dev.baton.servlet.HostileCase.Expect.INVALID_TOKEN;
import static dev.baton.servlet.HostileCase.Request.bearer;
import static dev.baton.servlet.HostileFixture.appendedToSegment;
import static dev.baton.servlet.HostileFixture.insertedIntoSignature;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import dev.baton.testkit.TestAuthorizationServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The hostile cases that live in the token itself (docs/security.md cases 1-11 and issue 15):
 * malformed and non-canonical encodings, claims of the wrong JSON type, NumericDate edge values,
 * {@code crit}/{@code b64}/{@code jwk}/{@code jku}/{@code x5u}/{@code x5c} headers, JWE and nested
 * tokens. Every case but the controls must be refused with 401 {@code invalid_token}.
 */
final class HostileTokenCases {
    private static final RSAKey ATTACKER = TestAuthorizationServer.otherRsaKey("attacker-1");
    /** An x5c entry: base64 (not url) DER, as RFC 7515 §4.1.6 has it; a public key stands in for a certificate. */
    private static final String ATTACKER_X5C = x5c(ATTACKER);

    private HostileTokenCases() {
    }

    private static String x5c(RSAKey key) {
        try {
            return Base64.encode(key.toRSAPublicKey().getEncoded()).toString();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<HostileCase> all() {
        List<HostileCase> all = new ArrayList<>();
        all.addAll(controls());
        all.addAll(malformed());
        all.addAll(nonCanonical());
        all.addAll(claimTypes());
        all.addAll(numericDates());
        all.addAll(joseHeaders());
        all.addAll(encryptedAndNested());
        return all;
    }

    private static HostileCase invalid(String category, String name, Function<HostileFixture, String> token) {
        return new HostileCase(category, name, f -> bearer(token.apply(f)), 401, INVALID_TOKEN);
    }

    static List<HostileCase> controls() {
        return List.of(
                new HostileCase("control", "a good token is accepted", f -> bearer(f.good()), 200, ACCEPTED),
                new HostileCase("control", "a fractional exp within range is accepted (RFC 7519 §2 NumericDate)",
                        f -> bearer(f.withRawClaims(f.claimsJson(Map.of()).replaceFirst("\"exp\":(\\d+)",
                                "\"exp\":$1.5"))), 200, ACCEPTED));
    }

    static List<HostileCase> malformed() {
        String header = Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}").toString();
        return List.of(
                invalid("malformed", "a character outside base64url in the header", f -> "eyJ!bGci." + f.good().split("\\.", 2)[1]),
                invalid("malformed", "a header that is not JSON", f -> Base64URL.encode("not json") + ".e30.c2ln"),
                invalid("malformed", "a header that is a JSON array", f -> Base64URL.encode("[\"RS256\"]") + ".e30.c2ln"),
                invalid("malformed", "claims that are not JSON", f -> f.token().rawPayload("not json").sign()),
                invalid("malformed", "claims that are a JSON array", f -> f.token().rawPayload("[1,2]").sign()),
                invalid("malformed", "claims that are JSON null", f -> f.token().rawPayload("null").sign()),
                invalid("malformed", "truncated claims JSON", f -> f.token().rawPayload("{\"sub\":\"alice\"").sign()),
                invalid("malformed", "duplicate claim names", f -> f.withRawClaims(
                        f.claimsJson(Map.of()).replaceFirst("\\{", "{\"sub\":\"mallory\","))),
                invalid("malformed", "empty segments", f -> ".."),
                invalid("malformed", "an empty signature", f -> header + ".e30."),
                invalid("malformed", "two segments", f -> header + ".e30"),
                invalid("malformed", "four segments", f -> f.good() + ".c2ln"),
                invalid("malformed", "six segments", f -> f.good() + ".a.b.c"),
                invalid("malformed", "a signature of the wrong length", f -> f.good().substring(0, f.good().length() - 8)),
                invalid("malformed", "a signature by an unknown key", f -> f.token().signWith(ATTACKER).sign()),
                invalid("malformed", "alg none", f -> f.token().signAlgNone("none")),
                invalid("malformed", "alg HS256 keyed with the public key", f -> f.token().signHmacWithPublicKey()));
    }

    static List<HostileCase> nonCanonical() {
        return List.of(
                invalid("non-canonical", "'~' appended to the signature", f -> f.good() + "~"),
                invalid("non-canonical", "'=' appended to the signature", f -> f.good() + "="),
                invalid("non-canonical", "'==' appended to the signature", f -> f.good() + "=="),
                invalid("non-canonical", "'~' inserted into the signature", f -> insertedIntoSignature(f.good(), "~")),
                invalid("non-canonical", "'~' appended to the header", f -> appendedToSegment(f.good(), 0, "~")),
                invalid("non-canonical", "'~' appended to the claims", f -> appendedToSegment(f.good(), 1, "~")),
                invalid("non-canonical", "'=' padding after the header", f -> appendedToSegment(f.good(), 0, "=")),
                invalid("non-canonical", "the signature in the +/ alphabet", HostileFixture::standardAlphabetSignature),
                invalid("non-canonical", "non-zero pad bits in the last signature character",
                        HostileFixture::nonZeroPadBits));
    }

    static List<HostileCase> claimTypes() {
        return List.of(
                wrongType("sub", 42), wrongType("sub", Map.of("id", "alice")), wrongType("sub", List.of("alice")),
                wrongType("sub", true),
                wrongType("client_id", 42), wrongType("azp", List.of("vscode")), wrongType("cid", Map.of()),
                wrongTypeWithScp("scope", 42), wrongTypeWithScp("scope", Map.of("mcp:tools:call", true)),
                wrongType("scp", 42), wrongType("scp", Map.of("mcp:tools:call", true)), wrongType("scp", List.of(42)),
                wrongType("act", "bob"), wrongType("act", List.of(Map.of("sub", "bob"))),
                wrongType("cnf", "thumbprint"), wrongType("cnf", 5),
                wrongType("iss", 42), wrongType("aud", 42), wrongType("aud", List.of(42)),
                wrongType("exp", "tomorrow"), wrongType("exp", true), wrongType("nbf", Map.of()),
                wrongType("iat", "yesterday"));
    }

    private static HostileCase wrongType(String claim, Object value) {
        return invalid("claim type", claim + " as " + value, f -> f.token().claim(claim, value).sign());
    }

    /** A wrong {@code scope} next to a good {@code scp}: ignoring the bad claim would let the token pass. */
    private static HostileCase wrongTypeWithScp(String claim, Object value) {
        return invalid("claim type", claim + " as " + value + " next to a good scp",
                f -> f.token().claim(claim, value).scp(HostileFixture.SCOPE).sign());
    }

    static List<HostileCase> numericDates() {
        long farPast = -9_223_372_036_854_776L;
        long farFuture = 9_223_372_036_854_776L;
        return List.of(
                numeric("exp", "an exp that overflows when read as milliseconds", f -> farPast),
                numeric("exp", "exp Long.MAX_VALUE", f -> Long.MAX_VALUE),
                numeric("exp", "exp Long.MIN_VALUE", f -> Long.MIN_VALUE),
                numeric("exp", "exp 1e300", f -> 1e300),
                numeric("exp", "exp -1", f -> -1L),
                numeric("exp", "exp 0", f -> 0L),
                invalid("numeric", "exp 1e400, beyond a double",
                        f -> f.withRawClaims(f.claimsJson(Map.of()).replaceFirst("\"exp\":\\d+", "\"exp\":1e400"))),
                numeric("nbf", "an nbf that overflows into the past", f -> farFuture),
                numeric("nbf", "nbf Long.MAX_VALUE", f -> Long.MAX_VALUE),
                numeric("nbf", "nbf far before the epoch", f -> farPast),
                numeric("iat", "an iat that overflows into the past", f -> farFuture),
                numeric("iat", "iat Long.MAX_VALUE", f -> Long.MAX_VALUE),
                numeric("exp", "exp in the past by two minutes", f -> Instant.now().minusSeconds(120).getEpochSecond()));
    }

    private static HostileCase numeric(String claim, String name, Function<HostileFixture, Object> value) {
        return invalid("numeric", name, f -> f.token().claim(claim, value.apply(f)).sign());
    }

    static List<HostileCase> joseHeaders() {
        return List.of(
                invalid("header", "b64 false over the raw claims (RFC 7797 §7)", HostileFixture::unencodedPayloadJws),
                invalid("header", "crit naming a parameter Baton does not implement",
                        f -> f.token().header("urn:example:policy", "x").header("crit", List.of("urn:example:policy")).sign()),
                invalid("header", "crit naming a registered parameter",
                        f -> f.token().header("crit", List.of("kid")).sign()),
                invalid("header", "crit as an empty list", f -> f.token().header("crit", List.of()).sign()),
                invalid("header", "crit as a string", f -> f.token().header("crit", "b64").sign()),
                invalid("header", "an embedded jwk of the attacker's key", f -> f.token()
                        .header("jwk", ATTACKER.toPublicJWK().toJSONObject()).signWith(ATTACKER).keyId(null).sign()),
                invalid("header", "an embedded jwk under the issuer's kid", f -> f.token()
                        .header("jwk", ATTACKER.toPublicJWK().toJSONObject()).signWith(ATTACKER).keyId("rsa-1").sign()),
                invalid("header", "jku pointing elsewhere",
                        f -> f.token().header("jku", f.elsewhere + "/jwks").signWith(ATTACKER).sign()),
                invalid("header", "x5u pointing elsewhere",
                        f -> f.token().header("x5u", f.elsewhere + "/cert.pem").signWith(ATTACKER).sign()),
                invalid("header", "an x5c chain of the attacker's", f -> f.token()
                        .header("x5c", List.of(ATTACKER_X5C))
                        .signWith(ATTACKER).keyId(null).sign()),
                invalid("header", "a kid of 4000 characters", f -> f.token().keyId("k".repeat(4000)).sign()),
                invalid("header", "a path-traversal kid", f -> f.token().keyId("../../../../etc/passwd").sign()),
                invalid("header", "typ of a DPoP proof", f -> f.token().type("dpop+jwt").sign()),
                invalid("header", "typ of an ID token", f -> f.token().type("id_token+jwt").sign()));
    }

    static List<HostileCase> encryptedAndNested() {
        return List.of(
                invalid("encrypted", "a JWE encrypting a good token", HostileFixture::encryptedGoodToken),
                invalid("encrypted", "five segments with a JWE header",
                        f -> Base64URL.encode("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}") + ".AAAA.AAAA.AAAA.AAAA"),
                invalid("encrypted", "three segments with a JWE header", f -> Base64URL.encode(
                        "{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"kid\":\"rsa-1\"}") + ".e30.c2ln"),
                invalid("encrypted", "alg dir", f -> f.token().algorithm("dir").signAlgNone("dir")),
                invalid("nested", "cty JWT wrapping a good token", f -> f.token().header("cty", "JWT").rawPayload(f.good()).sign()),
                invalid("nested", "cty JWT over claims", f -> f.token().header("cty", "JWT").sign()),
                invalid("nested", "cty application/json", f -> f.token().header("cty", "application/json").sign()));
    }
}
