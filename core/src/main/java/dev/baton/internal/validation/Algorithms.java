package dev.baton.internal.validation;

import com.nimbusds.jose.JWSAlgorithm;
import dev.baton.internal.Checks;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JWS algorithms a validator may accept (RFC 8725 §3.1): the asymmetric ones only. {@code none}
 * is never one, and neither is HMAC: a resource server holds no secret shared with the issuer, so
 * an HMAC "signature" could only be checked with the issuer's public key, which anyone has
 * (RFC 8725 §2.1). Not API.
 */
public final class Algorithms {
    /** Every algorithm that may be allowed, which is also the default. */
    public static final List<String> ALLOWED = List.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    private Algorithms() {
    }

    /**
     * {@code names}, checked and without duplicates, in order.
     *
     * @throws NullPointerException if {@code names} is null
     * @throws IllegalArgumentException if it is empty or names one outside {@link #ALLOWED}
     */
    public static List<String> requireAllowed(String... names) {
        Checks.requireArgument(names.length > 0, "at least one algorithm is required");
        for (String a : names) {
            Checks.requireArgument(a != null && ALLOWED.contains(a), "algorithm " + a
                    + " is not allowed; choose from " + ALLOWED + " (none and HMAC are never accepted, RFC 8725 §3.1)");
        }
        return List.copyOf(new LinkedHashSet<>(List.of(names)));
    }

    /** The Nimbus values of {@code names}, each from {@link #ALLOWED}. */
    public static Set<JWSAlgorithm> parse(List<String> names) {
        Set<JWSAlgorithm> out = new LinkedHashSet<>();
        for (String a : names) {
            out.add(JWSAlgorithm.parse(a));
        }
        return Set.copyOf(out);
    }
}
