package dev.baton.internal.validation;

import dev.baton.TokenValidationException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON types and ranges of the claims Baton reads, checked on the parsed JSON of a JWT payload
 * or an RFC 7662 introspection answer before any value is used, so a claim of the wrong type is a
 * rejection rather than a claim that silently reads as absent or as something else ({@code "sub": 42}
 * is not the user "42"). Not API.
 *
 * <ul>
 *   <li>Strings: {@code iss}, {@code sub}, {@code jti} (RFC 7519 §4.1.1, §4.1.2, §4.1.7),
 *       {@code client_id} (RFC 8693 §4.3, RFC 7662 §2.2), {@code azp} (OpenID Connect Core §2),
 *       {@code cid} (Okta), {@code scope} (RFC 8693 §4.2, RFC 7662 §2.2), and the token-kind
 *       members {@link AccessTokenKind} reads ({@code token_type}, {@code token_use}, {@code typ}).</li>
 *   <li>A string or an array of strings: {@code aud} (RFC 7519 §4.1.3) and {@code scp}.</li>
 *   <li>Objects: {@code act} (RFC 8693 §4.1), whose own {@code sub}, {@code iss} and
 *       {@code client_id} are strings and whose nested {@code act} is an object again, and
 *       {@code cnf} (RFC 7800 §3.1), whose {@code jkt} (RFC 9449 §6) is a string.</li>
 *   <li>NumericDates: {@code exp}, {@code nbf} and {@code iat} (RFC 7519 §2 and §4.1.4 to §4.1.6)
 *       are JSON numbers from 0 (1970) to {@link #MAX_NUMERIC_DATE} (the end of year 9999), read
 *       from the JSON number itself: converting first (Nimbus multiplies by 1000 into a
 *       {@code long}) lets {@code -9223372036854776} overflow into the year 292278994.</li>
 * </ul>
 */
final class RegisteredClaims {
    /** 9999-12-31T23:59:59Z: the last second a NumericDate may name. */
    static final long MAX_NUMERIC_DATE = 253_402_300_799L;

    private static final List<String> STRINGS = List.of("iss", "sub", "jti", "client_id", "azp", "cid", "scope",
            "token_type", "token_use", "typ");
    private static final List<String> ACTOR_STRINGS = List.of("sub", "iss", "client_id");

    /** The time claims, each {@code null} when absent. */
    record Times(Instant exp, Instant nbf, Instant iat) {
    }

    private final Rejections reject;

    RegisteredClaims(Rejections reject) {
        this.reject = reject;
    }

    /**
     * Checks the type of every claim Baton reads and returns the time claims.
     *
     * @throws TokenValidationException {@code invalid_token} naming the first claim of the wrong
     *     type ("token claim sub has the wrong type") or outside the NumericDate range ("token
     *     claim exp is out of range")
     */
    Times check(Map<String, Object> claims) throws TokenValidationException {
        for (String name : STRINGS) {
            Object v = claims.get(name);
            if (v != null && !(v instanceof String)) {
                throw wrongType(name);
            }
        }
        requireStringOrStrings(claims, "aud");
        requireStringOrStrings(claims, "scp");
        requireActorChain(claims.get("act"));
        Object cnf = claims.get("cnf");
        if (cnf != null && (!(cnf instanceof Map<?, ?> m) || m.get("jkt") != null && !(m.get("jkt") instanceof String))) {
            throw wrongType("cnf");
        }
        return new Times(numericDate(claims, "exp"), numericDate(claims, "nbf"), numericDate(claims, "iat"));
    }

    private void requireStringOrStrings(Map<String, Object> claims, String name) throws TokenValidationException {
        Object v = claims.get(name);
        if (v == null || v instanceof String) {
            return;
        }
        if (!(v instanceof Collection<?> c)) {
            throw wrongType(name);
        }
        for (Object o : c) {
            if (!(o instanceof String)) {
                throw wrongType(name);
            }
        }
    }

    /**
     * RFC 8693 §4.1: {@code act} is a JSON object, and so is each nested {@code act}. The chain's
     * depth is bounded by the JSON parser's nesting limit and the token length cap.
     */
    private void requireActorChain(Object act) throws TokenValidationException {
        Object link = act;
        while (link != null) {
            if (!(link instanceof Map<?, ?> m)) {
                throw wrongType("act");
            }
            for (String name : ACTOR_STRINGS) {
                Object v = m.get(name);
                if (v != null && !(v instanceof String)) {
                    throw wrongType("act");
                }
            }
            link = m.get("act");
        }
    }

    /**
     * The NumericDate {@code name}, or {@code null} when absent. An integer is taken as is; a
     * fractional one (RFC 7519 §2 allows it) is rounded down to the second.
     */
    private Instant numericDate(Map<String, Object> claims, String name) throws TokenValidationException {
        Object v = claims.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw wrongType(name);
        }
        long seconds;
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            seconds = n.longValue();
        } else {
            double d = n.doubleValue();
            // NaN and the infinities fail this test too; the range check on the double comes before
            // the cast, which would otherwise saturate silently.
            if (!(d >= 0 && d < MAX_NUMERIC_DATE + 1.0)) {
                throw outOfRange(name);
            }
            seconds = (long) Math.floor(d);
        }
        if (seconds < 0 || seconds > MAX_NUMERIC_DATE) {
            throw outOfRange(name);
        }
        return Instant.ofEpochSecond(seconds);
    }

    private TokenValidationException wrongType(String name) {
        return reject.invalid("token claim " + name + " has the wrong type");
    }

    private TokenValidationException outOfRange(String name) {
        return reject.invalid("token claim " + name + " is out of range");
    }
}
