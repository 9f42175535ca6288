package dev.baton.internal.validation;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.TokenValidationException;
import dev.baton.ValidatedToken;
import dev.baton.internal.TokenHash;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

/**
 * Validates a signed JWT access token (RFC 9068 §4, RFC 8725) in steps, as Nimbus'
 * {@code DefaultJWTProcessor} does: parse, {@linkplain JwsHeaderCheck header}, issuer,
 * {@linkplain SignatureCheck key and signature}, then the {@linkplain ClaimsCheck time and
 * audience claims}. The issuer is compared before any key is looked up, so a token naming another
 * issuer costs no JWKS fetch. Not API.
 */
final class JwtCheck {
    private final JwsHeaderCheck header;
    private final SignatureCheck signature;
    private final ClaimsCheck claims;
    private final ValidatedTokenFactory tokens;
    private final Rejections reject;

    JwtCheck(JwsHeaderCheck header, SignatureCheck signature, ClaimsCheck claims, ValidatedTokenFactory tokens,
            Rejections reject) {
        this.header = header;
        this.signature = signature;
        this.claims = claims;
        this.tokens = tokens;
        this.reject = reject;
    }

    /**
     * The validated token, once every step passed. Records the claims in {@code attempt} as soon
     * as they are read, so the audit event of a later rejection still names the subject.
     *
     * @param token a compact JWS (three segments, b64token characters only)
     * @param hash its hash, carried by the result
     * @param now the instant to check the time claims against
     */
    ValidatedToken check(String token, TokenHash hash, Instant now, Attempt attempt)
            throws TokenValidationException {
        if (!CanonicalBase64Url.isCanonicalJws(token)) {
            // RFC 7515 §2, RFC 4648 §3.5: one token, one spelling (and so one fingerprint).
            throw reject.invalid("token is malformed");
        }
        SignedJWT jwt;
        JWTClaimsSet set;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw reject.invalid("token is malformed");
        }
        header.check(jwt.getHeader());
        try {
            set = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject.invalid("token claims are malformed");
        }
        ValidatedToken v = tokens.create(token, set.toJSONObject(), hash);
        attempt.claims = v;
        claims.requireIssuer(set.getIssuer());
        signature.verify(jwt);
        Date exp = set.getExpirationTime();
        if (exp == null) {
            throw reject.invalid("token has no expiry");
        }
        claims.requireUnexpired(exp.toInstant(), now);
        claims.requireNotBefore(instant(set.getNotBeforeTime()), now);
        claims.requireIssuedInThePast(instant(set.getIssueTime()), now);
        claims.requireAudience(set.getAudience());
        return v;
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }
}
