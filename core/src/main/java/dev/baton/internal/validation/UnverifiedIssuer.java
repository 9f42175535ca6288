package dev.baton.internal.validation;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.Map;

/**
 * Reads the {@code iss} claim of a compact JWS without verifying anything, only to choose which
 * issuer's validator verifies it (that validator then compares {@code iss} again, exactly, after
 * checking the signature with that issuer's keys). Not API.
 */
public final class UnverifiedIssuer {
    private UnverifiedIssuer() {
    }

    /**
     * The {@code iss} string of {@code token}'s payload, or {@code null} when the token is missing,
     * longer than {@code maxLength} (checked before any decoding), not three segments, not JSON or
     * without a string {@code iss}. Never throws for any token content.
     */
    public static String of(String token, int maxLength) {
        if (token == null || token.isEmpty() || token.length() > maxLength) {
            return null;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            return null;
        }
        try {
            Map<String, Object> claims = JSONObjectUtils.parse(
                    new Base64URL(token.substring(first + 1, second)).decodeToString());
            return claims.get("iss") instanceof String s ? s : null;
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }
}
