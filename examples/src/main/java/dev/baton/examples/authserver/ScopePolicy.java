package dev.baton.examples.authserver;

import com.nimbusds.oauth2.sdk.Scope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which scopes the {@code mcp} issuer grants, as an Okta custom authorization server with these
 * scopes and an access policy rule allowing all of them does:
 *
 * <ul>
 *   <li>the granted scopes are the requested ones the issuer knows, in the order asked (RFC 6749
 *       §3.3 lets an authorization server grant less than asked; Okta's access policy does the
 *       same intersection), so a client asking for exactly what the MCP server's challenge
 *       advertised gets exactly that, with or without {@code openid};</li>
 *   <li>a request without {@code scope} gets the default scopes (Okta's "default scope" flag);</li>
 *   <li>a request with none of the known scopes is refused ({@code invalid_scope}), as Okta refuses
 *       scopes that are not configured;</li>
 *   <li>{@code openid} adds an ID token and {@code offline_access} a refresh token; both appear in
 *       the access token's {@code scp}, as in Okta's.</li>
 * </ul>
 */
final class ScopePolicy {
    /** Asks for an OpenID Connect ID token (OpenID Connect Core §3.1.2.1). */
    static final String OPENID = "openid";
    /** Asks for a refresh token (OpenID Connect Core §11; Okta issues one only for this scope). */
    static final String OFFLINE_ACCESS = "offline_access";
    private static final List<String> SYSTEM_SCOPES = List.of(OPENID, "profile", "email", OFFLINE_ACCESS);

    private final List<String> supported;
    private final List<String> defaults;

    /**
     * @param resourceScopes the scopes of the protected resources (the MCP server's), besides the
     *     OpenID Connect ones every Okta authorization server has
     * @param defaults what a request without {@code scope} gets
     */
    ScopePolicy(List<String> resourceScopes, List<String> defaults) {
        Set<String> all = new LinkedHashSet<>(SYSTEM_SCOPES);
        all.addAll(resourceScopes);
        this.supported = List.copyOf(all);
        this.defaults = List.copyOf(defaults);
        if (!all.containsAll(defaults)) {
            throw new IllegalArgumentException("default scopes must be supported: " + defaults);
        }
    }

    /** Every scope the issuer knows, for its metadata's {@code scopes_supported} (RFC 8414 §2). */
    List<String> supported() {
        return supported;
    }

    /**
     * The scopes granted for an authorization request, or empty when none of the requested scopes
     * is known ({@code invalid_scope}, RFC 6749 §4.1.2.1).
     *
     * @param requested the request's {@code scope}, or {@code null} when it had none
     */
    Optional<List<String>> grant(Scope requested) {
        if (requested == null || requested.isEmpty()) {
            return Optional.of(defaults);
        }
        List<String> granted = new ArrayList<>();
        for (String scope : requested.toStringList()) {
            if (supported.contains(scope) && !granted.contains(scope)) {
                granted.add(scope);
            }
        }
        return granted.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(granted));
    }

    /**
     * The scopes of a refreshed token: the original grant, or the part of it a refresh request
     * asked for; empty when the request asks for anything beyond the grant (RFC 6749 §6:
     * {@code invalid_scope}).
     */
    static Optional<List<String>> narrow(List<String> granted, Scope requested) {
        if (requested == null || requested.isEmpty()) {
            return Optional.of(granted);
        }
        List<String> asked = requested.toStringList();
        if (!granted.containsAll(asked)) {
            return Optional.empty();
        }
        return Optional.of(granted.stream().filter(asked::contains).toList());
    }
}
