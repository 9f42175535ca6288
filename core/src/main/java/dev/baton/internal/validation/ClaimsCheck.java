package dev.baton.internal.validation;

import dev.baton.TokenValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The claim checks a JWT and an introspection answer share, one rule per method: exact issuer,
 * expiry, not-before and issued-at with the configured skew, and the audience. Not API.
 */
final class ClaimsCheck {
    private final String issuer;
    private final String audience;
    private final Duration skew;
    private final Rejections reject;

    /**
     * @param issuer the exact {@code iss} expected
     * @param audience the audience {@code aud} must contain
     * @param skew the tolerance for the time claims
     * @param reject how to fail
     */
    ClaimsCheck(String issuer, String audience, Duration skew, Rejections reject) {
        this.issuer = issuer;
        this.audience = audience;
        this.skew = skew;
        this.reject = reject;
    }

    /** RFC 9068 §4: {@code iss} equals the configured issuer exactly, no normalisation (no trailing slash, no scheme change). */
    void requireIssuer(String iss) throws TokenValidationException {
        if (!issuer.equals(iss)) {
            throw reject.invalid("token has the wrong issuer");
        }
    }

    /** RFC 9068 §2.2 {@code exp}: {@code now} is before it, by the skew at most. */
    void requireUnexpired(Instant exp, Instant now) throws TokenValidationException {
        if (!now.isBefore(exp.plus(skew))) {
            throw reject.invalid("token is expired");
        }
    }

    /** RFC 7519 §4.1.5 {@code nbf}, when present: not after {@code now} beyond the skew. */
    void requireNotBefore(Instant nbf, Instant now) throws TokenValidationException {
        if (nbf != null && nbf.isAfter(now.plus(skew))) {
            throw reject.invalid("token is not yet valid");
        }
    }

    /** RFC 7519 §4.1.6 {@code iat}, when present: not after {@code now} beyond the skew. */
    void requireIssuedInThePast(Instant iat, Instant now) throws TokenValidationException {
        if (iat != null && iat.isAfter(now.plus(skew))) {
            throw reject.invalid("token is issued in the future");
        }
    }

    /** RFC 9068 §4, RFC 8725 §3.9: {@code aud} contains this resource server's audience; no {@code aud} fails. */
    void requireAudience(Collection<String> aud) throws TokenValidationException {
        if (aud == null || !aud.contains(audience)) {
            throw reject.invalid("token is not intended for this audience");
        }
    }
}
