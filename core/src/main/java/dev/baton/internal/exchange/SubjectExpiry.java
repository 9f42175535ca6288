package dev.baton.internal.exchange;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import java.time.Instant;
import java.util.Date;

/**
 * When the subject token of an exchange expires, used only to bound how long the exchanged token is
 * cached (a cache entry must never outlive the token it was derived from). Not API.
 */
public final class SubjectExpiry {
    /** Raw tokens longer than this are not decoded (they get no bound beyond the exchanged token's own). */
    static final int MAX_DECODED_LENGTH = 16 * 1024;

    private SubjectExpiry() {
    }

    /**
     * The subject token's expiry: {@link dev.baton.ValidatedToken#expiresAt()} when the request holds
     * a validated token; otherwise, for a raw JWS, its {@code exp} read <em>without</em> verifying
     * the signature. That is safe because the value can only shorten a cache entry, never extend
     * it, and the token itself is verified by the authorization server. {@code null} when unknown.
     */
    public static Instant of(ExchangeRequest request) {
        if (request.validatedSubject().isPresent()) {
            return request.validatedSubject().get().expiresAt();
        }
        TokenType type = request.subjectTokenType();
        if (!TokenType.ACCESS_TOKEN.equals(type) && !TokenType.JWT.equals(type) && !TokenType.ID_TOKEN.equals(type)) {
            return null;
        }
        String raw = request.subjectToken();
        if (raw.length() > MAX_DECODED_LENGTH || raw.chars().filter(c -> c == '.').count() != 2) {
            return null;
        }
        try {
            JWT jwt = SignedJWT.parse(raw);
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }
}
