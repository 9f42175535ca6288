package dev.baton.internal.validation;

import dev.baton.TokenValidationException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses a token whose claims (a JWT payload, or an RFC 7662 introspection answer) say it is not
 * an access token. A refresh token is never sent to a resource server (RFC 6749 §1.5, §10.4), yet
 * an introspection endpoint answers {@code active: true} for one, since RFC 7662 §2.1 lets it
 * introspect any token it issued; and an ID token signed with the issuer's key may carry the right
 * audience. Authorization servers say which kind of token it is in one of three members; each is
 * checked when present, against the values that name an access token, so an unknown value fails
 * closed:
 *
 * <ul>
 *   <li>{@code token_type} (RFC 7662 §2.2): {@code Bearer} (RFC 6750) and {@code DPoP} (RFC 9449)
 *       as the registry of RFC 6749 §7.1 names them, {@code access_token} (Duende IdentityServer,
 *       node-oidc-provider) or {@code urn:ietf:params:oauth:token-type:access_token} (RFC 8693 §3).
 *       Refused, for example: {@code refresh_token}, {@code id_token}, {@code N_A}.</li>
 *   <li>{@code token_use}: {@code access_token} (Ory Hydra) or {@code access} (Amazon Cognito).
 *       Refused, for example: {@code refresh_token} (Ory), {@code id} (Cognito ID tokens).</li>
 *   <li>{@code typ} as a claim (Keycloak): {@code Bearer}, {@code JWT}, {@code at+jwt} or
 *       {@code application/at+jwt}. Refused, for example: {@code Refresh}, {@code Offline},
 *       {@code ID}.</li>
 * </ul>
 *
 * Values are compared without regard to letter case. {@link RegisteredClaims} has already checked
 * that each present member is a string. A {@code token_type} of {@code DPoP} (RFC 9449 §6.2) names a
 * token bound to a key, so it must come with that key's thumbprint in {@code cnf.jkt}: without one the
 * binding could not be checked, and the token would pass as a bearer token. Not API.
 */
final class AccessTokenKind {
    private static final Set<String> TOKEN_TYPES = Set.of("bearer", "dpop", "access_token",
            "urn:ietf:params:oauth:token-type:access_token");
    private static final Set<String> TOKEN_USES = Set.of("access_token", "access");
    private static final Set<String> TYPS = Set.of("bearer", "jwt", "at+jwt", "application/at+jwt");

    private AccessTokenKind() {
    }

    /**
     * Passes when no member names another kind of token.
     *
     * @throws TokenValidationException {@code invalid_token} "token is not an access token"
     */
    static void require(Map<String, Object> claims, Rejections reject) throws TokenValidationException {
        if (!names(claims.get("token_type"), TOKEN_TYPES) || !names(claims.get("token_use"), TOKEN_USES)
                || !names(claims.get("typ"), TYPS)) {
            throw reject.invalid("token is not an access token");
        }
        if (claims.get("token_type") instanceof String type && "dpop".equalsIgnoreCase(type)
                && !(claims.get("cnf") instanceof Map<?, ?> cnf && cnf.get("jkt") instanceof String)) {
            throw reject.invalid("token is DPoP-bound but names no key (cnf.jkt)");
        }
    }

    /** Whether {@code value} is absent or, ignoring case, one of {@code accepted}. */
    private static boolean names(Object value, Set<String> accepted) {
        return value == null || value instanceof String s && accepted.contains(s.toLowerCase(Locale.ROOT));
    }
}
