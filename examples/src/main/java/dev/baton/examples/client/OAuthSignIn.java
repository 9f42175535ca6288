package dev.baton.examples.client;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientInformationResponse;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.minidev.json.JSONObject;

/**
 * An MCP client's OAuth sign-in, as the MCP authorization specification (2025-11-25) tells a client
 * to run it, using nothing but what the server advertises:
 *
 * <ol>
 *   <li>{@link #discover(URI)}: the RFC 9728 protected resource metadata named by the 401's
 *       {@code resource_metadata}, then the metadata of its authorization server (RFC 8414 §3.1
 *       path-inserted, then OpenID Connect Discovery);</li>
 *   <li>{@link #scopeToRequest}: the challenge's {@code scope}, else the resource's
 *       {@code scopes_supported}, plus {@code offline_access} when the authorization server lists it;</li>
 *   <li>{@link #register}: RFC 7591 dynamic client registration, when advertised;</li>
 *   <li>{@link #signIn}: the authorization code flow with PKCE S256 (RFC 7636) and the resource
 *       indicator (RFC 8707), driving the login page over HTTP the way a user's browser would;</li>
 *   <li>{@link #refresh}: a new access token from the refresh token, for the same resource.</li>
 * </ol>
 * Every answer is checked (status, {@code state}, {@code iss}, token response); a failure is an
 * {@link IOException} whose message never contains a token or a code.
 */
public final class OAuthSignIn {
    /** The scope a client adds to get a refresh token (OpenID Connect Core §11). */
    public static final String OFFLINE_ACCESS = "offline_access";

    private final OAuthHttp http = new OAuthHttp();

    /**
     * What discovery found.
     *
     * @param resource the RFC 9728 {@code resource}: the RFC 8707 {@code resource} of every request
     * @param resourceScopes its {@code scopes_supported}, possibly empty
     * @param metadata the authorization server's metadata
     */
    public record Discovery(URI resource, List<String> resourceScopes, AuthorizationServerMetadata metadata) {
        /** The scopes the authorization server lists, possibly empty. */
        public List<String> issuerScopes() {
            return metadata.getScopes() == null ? List.of() : metadata.getScopes().toStringList();
        }
    }

    /**
     * What the token endpoint gave.
     *
     * @param accessToken the access token
     * @param refreshToken the refresh token, or {@code null} when none was issued
     * @param scopes the granted scopes the response names (RFC 6749 §5.1), possibly empty
     * @param expiresInSeconds the access token's lifetime in seconds, 0 when not given
     */
    public record Tokens(String accessToken, String refreshToken, List<String> scopes, long expiresInSeconds) {
        @Override
        public String toString() {
            return "Tokens[scopes=" + scopes + ", expiresIn=" + expiresInSeconds + "s, refreshToken="
                    + (refreshToken == null ? "none" : "issued") + "]";
        }
    }

    /**
     * RFC 9728 §3 then RFC 8414 §3: the resource metadata at {@code resourceMetadataUrl}, and the
     * metadata of its first authorization server, which must name that server as its issuer.
     *
     * @throws IOException if a document is missing, malformed or names another issuer
     */
    public Discovery discover(URI resourceMetadataUrl) throws IOException {
        JSONObject resource = http.getJson(resourceMetadataUrl);
        try {
            URI resourceId = JSONObjectUtils.getURI(resource, "resource");
            List<String> servers = JSONObjectUtils.getStringList(resource, "authorization_servers");
            if (servers.isEmpty()) {
                throw new IOException("the resource metadata names no authorization server");
            }
            List<String> scopes = JSONObjectUtils.getStringList(resource, "scopes_supported", List.of());
            return discover(resourceId, scopes, URI.create(servers.get(0)));
        } catch (ParseException e) {
            throw new IOException("malformed resource metadata at " + resourceMetadataUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * The metadata of {@code issuer} (RFC 8414 §3.1 path-inserted first, as MCP clients try it, then
     * OpenID Connect Discovery §4), for signing in to {@code resource}.
     *
     * @throws IOException if neither URL has a document naming exactly {@code issuer}
     */
    public Discovery discover(URI resource, List<String> resourceScopes, URI issuer) throws IOException {
        String path = issuer.getRawPath() == null ? "" : issuer.getRawPath().replaceAll("/+$", "");
        String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
        List<URI> candidates = List.of(URI.create(origin + "/.well-known/oauth-authorization-server" + path),
                URI.create(origin + path + "/.well-known/openid-configuration"));
        IOException last = null;
        for (URI url : candidates) {
            try {
                AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(http.getJson(url));
                // RFC 8414 §3.3: the issuer must be identical to the one the metadata was looked up for.
                if (!metadata.getIssuer().getValue().equals(issuer.toString())) {
                    throw new IOException(url + " names another issuer: " + metadata.getIssuer());
                }
                return new Discovery(resource, List.copyOf(resourceScopes), metadata);
            } catch (IOException e) {
                last = e;
            } catch (ParseException e) {
                last = new IOException("malformed authorization server metadata at " + url, e);
            }
        }
        throw last;
    }

    /**
     * The scopes to ask for (MCP authorization, "Scope Selection Strategy"): the challenge's
     * {@code scope} when there is one, else the resource's {@code scopes_supported}; plus
     * {@code offline_access} when the authorization server lists it (MCP 2026-07-28, "Refresh
     * Tokens": clients may add it then), so that the client gets a refresh token.
     *
     * @param challengeScope the {@code scope} of the {@code WWW-Authenticate} challenge, or {@code null}
     * @return a space-separated scope, possibly empty
     */
    public static String scopeToRequest(String challengeScope, Discovery discovery) {
        Scope scope = challengeScope != null && !challengeScope.isBlank()
                ? Scope.parse(challengeScope) : new Scope(discovery.resourceScopes().toArray(String[]::new));
        if (discovery.issuerScopes().contains(OFFLINE_ACCESS) && !scope.contains(OFFLINE_ACCESS)) {
            scope.add(OFFLINE_ACCESS);
        }
        return scope.toString();
    }

    /**
     * Registers a public client (RFC 7591) at the advertised registration endpoint.
     *
     * @return the new client id
     * @throws IOException if no registration endpoint is advertised or registration is refused
     */
    public String register(Discovery discovery, String clientName, URI redirectUri) throws IOException {
        URI endpoint = discovery.metadata().getRegistrationEndpointURI();
        if (endpoint == null) {
            throw new IOException("the authorization server advertises no registration endpoint");
        }
        ClientMetadata metadata = new ClientMetadata();
        metadata.setName(clientName);
        metadata.setRedirectionURI(redirectUri);
        metadata.setGrantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        metadata.setResponseTypes(Set.of(ResponseType.CODE));
        metadata.setTokenEndpointAuthMethod(ClientAuthenticationMethod.NONE);
        try {
            ClientRegistrationResponse response = ClientRegistrationResponse.parse(
                    http.send(new ClientRegistrationRequest(endpoint, metadata, null).toHTTPRequest()));
            if (!response.indicatesSuccess()) {
                throw new IOException("registration refused: " + response.toErrorResponse().getErrorObject());
            }
            return ((ClientInformationResponse) response).getClientInformation().getID().getValue();
        } catch (ParseException e) {
            throw new IOException("malformed registration response", e);
        }
    }

    /**
     * Signs {@code user} in: the authorization request (code, PKCE S256, {@code state},
     * {@code resource}), the login page fetched and posted with the user name as a browser would,
     * the redirect's code checked against the {@code state} (and {@code iss}, RFC 9207), then the
     * token request with the code verifier and the resource.
     *
     * @param scope the space-separated scopes to ask for (see {@link #scopeToRequest}), or blank
     * @throws IOException if a step fails
     */
    public Tokens signIn(Discovery discovery, String clientId, URI redirectUri, String scope, String user)
            throws IOException {
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(ResponseType.CODE, new ClientID(clientId))
                .endpointURI(discovery.metadata().getAuthorizationEndpointURI())
                .redirectionURI(redirectUri)
                .state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .resource(discovery.resource());
        if (scope != null && !scope.isBlank()) {
            request.scope(Scope.parse(scope));
        }
        URI authorize = request.build().toURI();

        // The login page, or at once the redirect that refuses the request; then the login, answered by a redirect.
        Optional<URI> refused = http.loginPage(authorize);
        URI location = refused.isPresent() ? refused.get()
                : http.postFormForRedirect(authorize, "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
        AuthorizationResponse response;
        try {
            response = AuthorizationResponse.parse(location);
        } catch (ParseException e) {
            throw new IOException("malformed authorization response", e);
        }
        if (!state.equals(response.getState())) {
            throw new IOException("the state of the authorization response does not match the request");
        }
        if (response.getIssuer() != null && !response.getIssuer().equals(discovery.metadata().getIssuer())) {
            throw new IOException("the authorization response comes from another issuer: " + response.getIssuer());
        }
        if (!response.indicatesSuccess()) {
            throw new IOException("authorization refused: " + response.toErrorResponse().getErrorObject());
        }
        return token(discovery, clientId, new AuthorizationCodeGrant(
                response.toSuccessResponse().getAuthorizationCode(), redirectUri, verifier), null);
    }

    /**
     * A new access token (and refresh token) from {@code refreshToken} (RFC 6749 §6), for the same
     * resource and, unless {@code scope} narrows them, the same scopes.
     *
     * @param scope a subset of the granted scopes, or {@code null} for all of them
     * @throws IOException if the token endpoint refuses
     */
    public Tokens refresh(Discovery discovery, String clientId, String refreshToken, String scope) throws IOException {
        return token(discovery, clientId, new RefreshTokenGrant(new RefreshToken(refreshToken)),
                scope == null ? null : Scope.parse(scope));
    }

    private Tokens token(Discovery discovery, String clientId, AuthorizationGrant grant, Scope scope)
            throws IOException {
        TokenRequest request = new TokenRequest(discovery.metadata().getTokenEndpointURI(), new ClientID(clientId),
                grant, scope, List.of(discovery.resource()), null, Map.of());
        TokenResponse response;
        try {
            response = TokenResponse.parse(http.send(request.toHTTPRequest()));
        } catch (ParseException e) {
            throw new IOException("malformed token response", e);
        }
        if (!response.indicatesSuccess()) {
            throw new IOException("the token endpoint refused " + grant.getType() + ": "
                    + response.toErrorResponse().getErrorObject());
        }
        AccessTokenResponse ok = response.toSuccessResponse();
        var access = ok.getTokens().getAccessToken();
        var refresh = ok.getTokens().getRefreshToken();
        return new Tokens(access.getValue(), refresh == null ? null : refresh.getValue(),
                access.getScope() == null ? List.of() : access.getScope().toStringList(), access.getLifetime());
    }
}
