package dev.baton.examples.authserver;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.net.URI;
import java.util.List;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;

/**
 * The {@code mcp} issuer as an Okta custom authorization server behaves, in front of
 * mock-oauth2-server (which routes a request here first when {@link #match} says so). It takes over
 * what mock-oauth2-server does differently from Okta, which real MCP clients trip over:
 *
 * <ul>
 *   <li>the metadata (RFC 8414 §2), at the path-inserted RFC 8414 §3.1 URL MCP clients try first,
 *       at the OpenID Connect Discovery URL and at Okta's {@code {issuer}/.well-known/oauth-authorization-server}:
 *       code flow and S256 only, the supported scopes ({@code offline_access} included, so clients
 *       know they may ask for a refresh token), and a registration endpoint;</li>
 *   <li>{@code /authorize} ({@link AuthorizeEndpoint}): mock-oauth2-server treats every request as
 *       OpenID Connect and refuses one without {@code openid}, the very scope an MCP client that asks
 *       for what the server advertised leaves out;</li>
 *   <li>{@code /token} ({@link TokenEndpoint}): mock-oauth2-server's refreshed tokens lose
 *       {@code aud} and {@code scp};</li>
 *   <li>{@code /register} ({@link ClientRegistry}).</li>
 * </ul>
 * The issuer's keys and {@code /jwks} stay mock-oauth2-server's, and so do its other endpoints.
 */
final class McpIssuerRoute implements Route {
    private final String issuerId;
    private final AuthorizeEndpoint authorize;
    private final TokenEndpoint token;
    private final ClientRegistry clients;
    private final String metadata;

    /**
     * @param issuer the issuer URL ({@code http://127.0.0.1:<port>/<issuerId>}), fixed: never taken
     *     from a request's {@code Host} header
     * @param issuerId its last path segment
     * @param scopes the scopes it grants
     * @param minter signs its tokens
     * @param signingAlgorithm the algorithm of those signatures, for the metadata
     */
    McpIssuerRoute(String issuer, String issuerId, ScopePolicy scopes, TokenMinter minter,
            JWSAlgorithm signingAlgorithm) {
        this.issuerId = issuerId;
        URI authorizeUri = URI.create(issuer + "/authorize");
        URI tokenUri = URI.create(issuer + "/token");
        URI registerUri = URI.create(issuer + "/register");
        SignInGrants grants = new SignInGrants();
        this.clients = new ClientRegistry(registerUri);
        this.authorize = new AuthorizeEndpoint(authorizeUri, new Issuer(issuer), scopes, clients, grants);
        this.token = new TokenEndpoint(tokenUri, grants, minter);

        OIDCProviderMetadata m = new OIDCProviderMetadata(new Issuer(issuer), List.of(SubjectType.PUBLIC),
                URI.create(issuer + "/jwks"));
        m.setAuthorizationEndpointURI(authorizeUri);
        m.setTokenEndpointURI(tokenUri);
        m.setRegistrationEndpointURI(registerUri);
        m.setScopes(new Scope(scopes.supported().toArray(String[]::new)));
        m.setResponseTypes(List.of(ResponseType.CODE));
        m.setResponseModes(List.of(ResponseMode.QUERY));
        m.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        m.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        m.setTokenEndpointAuthMethods(List.of(ClientAuthenticationMethod.NONE,
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST));
        m.setIDTokenJWSAlgs(List.of(signingAlgorithm));
        m.setSupportsAuthorizationResponseIssuerParam(true);
        m.setSupportsRequestURIParam(false);
        this.metadata = m.toJSONObject().toJSONString();
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        return endpoint(request) != null;
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        try {
            String endpoint = endpoint(request);
            if (endpoint == null) {
                return Responses.error(request, 404, "invalid_request", "no such endpoint");
            }
            return switch (endpoint) {
                case "metadata" -> Responses.json(request, 200, metadata);
                case "authorize" -> authorize.handle(request);
                case "token" -> token.handle(request);
                default -> clients.register(request);
            };
        } catch (RuntimeException e) {
            // Never a stack trace or a request detail in the answer.
            return Responses.error(request, OAuth2Error.SERVER_ERROR.setDescription("unexpected failure"));
        }
    }

    /** Which of this issuer's endpoints the request is for, or null when it is not one of them. */
    private String endpoint(OAuth2HttpRequest request) {
        // Decoded segments without empty ones, so that "/mcp//token" or "/mcp/%74oken" cannot slip past.
        List<String> path = request.getOriginalUrl().pathSegments().stream().filter(p -> !p.isEmpty()).toList();
        String method = request.getMethod();
        if ("GET".equals(method) && isMetadataPath(path)) {
            return "metadata";
        }
        if (path.size() != 2 || !issuerId.equals(path.get(0))) {
            return null;
        }
        return switch (path.get(1)) {
            case "authorize" -> "GET".equals(method) || "POST".equals(method) ? "authorize" : null;
            case "token" -> "POST".equals(method) ? "token" : null;
            case "register" -> "POST".equals(method) ? "register" : null;
            default -> null;
        };
    }

    private boolean isMetadataPath(List<String> path) {
        for (String wellKnown : List.of("oauth-authorization-server", "openid-configuration")) {
            if (path.equals(List.of(".well-known", wellKnown, issuerId))
                    || path.equals(List.of(issuerId, ".well-known", wellKnown))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A place for the route in mock-oauth2-server's route list, filled once the server listens (the
     * issuer URL needs its port). Until then it answers every request with 503, so that nothing can
     * reach mock-oauth2-server's own {@code mcp} endpoints in between.
     */
    static final class Deferred implements Route {
        private volatile McpIssuerRoute route;

        void set(McpIssuerRoute ready) {
            this.route = ready;
        }

        @Override
        public boolean match(OAuth2HttpRequest request) {
            McpIssuerRoute ready = route;
            return ready == null || ready.match(request);
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            McpIssuerRoute ready = route;
            return ready != null ? ready.invoke(request)
                    : Responses.error(request, OAuth2Error.TEMPORARILY_UNAVAILABLE.setDescription("starting"));
        }
    }
}
