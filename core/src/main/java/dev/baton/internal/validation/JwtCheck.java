package dev.baton.internal.validation;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.TokenValidationException;
import dev.baton.ValidatedToken;
import dev.baton.internal.TokenHash;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Validates a signed JWT access token (RFC 9068 §4, RFC 8725) in steps, as Nimbus'
 * {@code DefaultJWTProcessor} does: {@linkplain CanonicalBase64Url canonical encoding},
 * {@linkplain JwsHeaderCheck header} (parsed and checked, or one of the
 * {@linkplain VerifiedHeaders headers verified before}), {@linkplain RegisteredClaims claim types} and
 * {@linkplain AccessTokenKind token kind}, issuer, {@linkplain SignatureCheck key and signature},
 * then the {@linkplain ClaimsCheck time and audience claims}. The issuer is compared before any key
 * is looked up, so a token naming another issuer costs no JWKS fetch. The claims are read once,
 * as the JSON parser gave them, so every check sees the JSON types and numbers themselves. Not API.
 */
final class JwtCheck {
    private final JwsHeaderCheck header;
    private final VerifiedHeaders verifiedHeaders;
    private final RegisteredClaims registered;
    private final SignatureCheck signature;
    private final ClaimsCheck claims;
    private final ValidatedTokenFactory tokens;
    private final Rejections reject;

    JwtCheck(JwsHeaderCheck header, VerifiedHeaders verifiedHeaders, RegisteredClaims registered,
            SignatureCheck signature, ClaimsCheck claims, ValidatedTokenFactory tokens, Rejections reject) {
        this.header = header;
        this.verifiedHeaders = verifiedHeaders;
        this.registered = registered;
        this.signature = signature;
        this.claims = claims;
        this.tokens = tokens;
        this.reject = reject;
    }

    /**
     * The validated token, once every step passed. Records the claims in {@code attempt} as soon
     * as they are read, so the audit event of a later rejection still names the subject.
     *
     * @param token a compact JWS candidate: two dots, b64token characters only
     * @param shape {@code token}'s shape
     * @param hash its hash, carried by the result, or {@code null} when nothing needed it yet (the
     *     result then computes it on first use)
     * @param now the instant to check the time claims against
     */
    ValidatedToken check(String token, TokenShape shape, TokenHash hash, Instant now, Attempt attempt)
            throws TokenValidationException {
        if (!CanonicalBase64Url.isCanonicalJws(token, shape)) {
            // RFC 7515 §2, RFC 4648 §3.5: one token, one spelling (and so one fingerprint).
            throw reject.invalid("token is malformed");
        }
        int first = shape.firstDot();
        int second = shape.secondDot();
        if (second == token.length() - 1) {
            // An empty signature is malformed, as Nimbus' parser says, not merely unverified.
            throw reject.invalid("token is malformed");
        }
        String headerSegment = token.substring(0, first);
        JWSHeader jwsHeader = verifiedHeaders.find(headerSegment);
        boolean seenHeader = jwsHeader != null;
        if (!seenHeader) {
            jwsHeader = parseHeader(headerSegment);
            header.check(jwsHeader);
        }
        // The characters are b64token (ASCII), so one byte each: the bytes the signature covers.
        byte[] jws = token.getBytes(StandardCharsets.ISO_8859_1);
        // null when the payload is not a JSON object (RFC 7519 §7.2 step 10).
        Map<String, Object> set = claimsOf(jws, first + 1, second);
        if (set == null) {
            throw reject.invalid("token claims are malformed");
        }
        RegisteredClaims.Times times = registered.check(set);
        // The parser's map is this call's alone: the token keeps it, sealed, instead of a copy.
        ValidatedToken v = tokens.create(token, ClaimMaps.sealInPlace(set), hash);
        attempt.claims = v;
        AccessTokenKind.require(set, reject);
        claims.requireIssuer(v.issuer());
        signature.verify(jwsHeader, jws, second);
        if (!seenHeader) {
            verifiedHeaders.put(headerSegment, jwsHeader);
        }
        if (times.exp() == null) {
            throw reject.invalid("token has no expiry");
        }
        claims.requireUnexpired(times.exp(), now);
        claims.requireNotBefore(times.nbf(), now);
        claims.requireIssuedInThePast(times.iat(), now);
        claims.requireAudience(v.audiences());
        return v;
    }

    /** The header as Nimbus parses a JWS's (RFC 7515 §5.2 steps 2 to 4), or a malformed-token rejection. */
    private JWSHeader parseHeader(String segment) throws TokenValidationException {
        try {
            return JWSHeader.parse(new Base64URL(segment));
        } catch (ParseException e) {
            throw reject.invalid("token is malformed");
        }
    }

    /**
     * The payload {@code jws[from, to)}'s JSON object as Nimbus parses it, or {@code null} when it
     * is not one (as {@code Payload.toJSONObject()}). The part is canonical base64url (checked
     * first), so every decoder gives the same bytes; the JDK's strict one does it several times
     * faster than Nimbus' lenient one (docs/benchmarks.md, row 1).
     */
    private static Map<String, Object> claimsOf(byte[] jws, int from, int to) {
        try {
            return JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(Arrays.copyOfRange(jws, from, to)),
                    StandardCharsets.UTF_8));
        } catch (ParseException | IllegalArgumentException e) {
            return null;
        }
    }
}
