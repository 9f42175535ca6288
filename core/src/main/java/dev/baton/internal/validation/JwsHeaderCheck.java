package dev.baton.internal.validation;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import dev.baton.TokenValidationException;
import java.util.Locale;
import java.util.Set;

/**
 * The header step of JWT validation, before any key is looked up: the algorithm, the parameters
 * Baton does not implement, the type and the content type. Not API.
 */
final class JwsHeaderCheck {
    private static final Set<String> ACCEPTED_TYPES = Set.of("at+jwt", "application/at+jwt", "jwt");
    private static final Set<String> STRICT_TYPES = Set.of("at+jwt", "application/at+jwt");

    private final Set<JWSAlgorithm> algorithms;
    private final boolean strictType;
    private final Rejections reject;

    /**
     * @param algorithms the allowed algorithms, asymmetric only (the builder refuses {@code none} and HMAC)
     * @param strictType whether {@code typ} must be {@code at+jwt}
     * @param reject how to fail
     */
    JwsHeaderCheck(Set<JWSAlgorithm> algorithms, boolean strictType, Rejections reject) {
        this.algorithms = algorithms;
        this.strictType = strictType;
        this.reject = reject;
    }

    /** Checks algorithm, unsupported parameters, type and content type, in that order. */
    void check(JWSHeader header) throws TokenValidationException {
        if (!algorithms.contains(header.getAlgorithm())) {
            // RFC 8725 §3.1-3.2: only the configured asymmetric algorithms; never none, never HMAC.
            throw reject.invalid("token is signed with an algorithm that is not allowed");
        }
        if (header.getCriticalParams() != null || !header.isBase64URLEncodePayload()) {
            // RFC 7515 §4.1.11: a recipient that does not implement every extension listed in crit
            // must reject the JWS, and Baton implements none (crit may not list registered names).
            // RFC 7797 §7: JWTs must not use the unencoded payload option (b64: false), with or
            // without crit; Nimbus would verify such a signature over the raw claims.
            throw reject.invalid("token uses an unsupported header");
        }
        if (!typeAccepted(header.getType())) {
            throw reject.invalid("token type is not accepted");
        }
        if (header.getContentType() != null) {
            // RFC 8725 §2.8: a nested JWT (cty JWT) or any other wrapped content is not an access token.
            throw reject.invalid("nested tokens are not accepted");
        }
    }

    /**
     * RFC 9068 §4 demands {@code at+jwt}; by default {@code JWT} and no {@code typ} pass as well,
     * since Okta sends none and Keycloak sends {@code JWT}. Other types (DPoP proofs, logout
     * tokens) never pass: RFC 8725 §3.11 explicit typing keeps them from being used as access tokens.
     */
    private boolean typeAccepted(JOSEObjectType typ) {
        if (typ == null) {
            return !strictType;
        }
        String t = typ.getType().toLowerCase(Locale.ROOT);
        return (strictType ? STRICT_TYPES : ACCEPTED_TYPES).contains(t);
    }
}
