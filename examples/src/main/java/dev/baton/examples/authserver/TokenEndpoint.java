package dev.baton.examples.authserver;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import dev.baton.examples.authserver.SignInGrants.PendingCode;
import dev.baton.examples.authserver.SignInGrants.SignIn;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;

/**
 * The {@code mcp} issuer's token endpoint (RFC 6749 §3.2) for the two grants an MCP client uses:
 *
 * <ul>
 *   <li>{@code authorization_code} (§4.1.3): the code once, by the client it was issued to, with the
 *       same {@code redirect_uri} and the PKCE {@code code_verifier} whose S256 hash is the
 *       challenge (RFC 7636 §4.6); else {@code invalid_grant};</li>
 *   <li>{@code refresh_token} (§6): by the client it was issued to, for at most the scopes first
 *       granted ({@code invalid_scope} beyond them); the token is replaced by a new one, and the new
 *       access token carries the claims of the first ({@code aud}, {@code scp}, {@code client_id},
 *       {@code sub}): mock-oauth2-server's own refresh drops them, which locks every client out
 *       when its first token expires.</li>
 * </ul>
 * Every other grant gets {@code unsupported_grant_type}. A {@code resource} (RFC 8707 §2.2) must be
 * one the authorization named ({@code invalid_target}). The response carries an ID token when
 * {@code openid} was granted and a refresh token when {@code offline_access} was, as Okta's does.
 */
final class TokenEndpoint {
    private final URI endpoint;
    private final SignInGrants grants;
    private final TokenMinter minter;

    TokenEndpoint(URI endpoint, SignInGrants grants, TokenMinter minter) {
        this.endpoint = endpoint;
        this.grants = grants;
        this.minter = minter;
    }

    /** Handles {@code POST} on the endpoint. */
    OAuth2HttpResponse handle(OAuth2HttpRequest request) {
        if (Responses.tooLarge(request)) {
            return Responses.error(request, OAuth2Error.INVALID_REQUEST.setDescription("request body too large"));
        }
        TokenRequest token;
        try {
            token = TokenRequest.parse(Responses.toNimbus(request, endpoint));
        } catch (ParseException e) {
            ErrorObject error = e.getErrorObject() != null ? e.getErrorObject() : OAuth2Error.INVALID_REQUEST;
            return Responses.error(request, error.setDescription("malformed token request"));
        }
        ClientID client = token.getClientAuthentication() != null
                ? token.getClientAuthentication().getClientID() : token.getClientID();
        if (client == null) {
            return Responses.error(request, OAuth2Error.INVALID_CLIENT.setDescription("client_id is required"));
        }
        AuthorizationGrant grant = token.getAuthorizationGrant();
        if (grant instanceof AuthorizationCodeGrant code) {
            return redeemCode(request, token, code, client);
        }
        if (grant instanceof RefreshTokenGrant refresh) {
            return refresh(request, token, refresh, client);
        }
        return Responses.error(request, OAuth2Error.UNSUPPORTED_GRANT_TYPE
                .setDescription("this authorization server issues tokens by authorization code and refresh token only"));
    }

    private OAuth2HttpResponse redeemCode(OAuth2HttpRequest request, TokenRequest token, AuthorizationCodeGrant grant,
            ClientID client) {
        Optional<PendingCode> redeemed = grants.redeemCode(grant.getAuthorizationCode().getValue());
        if (redeemed.isEmpty()) {
            return invalidGrant(request, "unknown, expired or already used authorization code");
        }
        PendingCode pending = redeemed.get();
        SignIn signIn = pending.signIn();
        if (!signIn.clientId().equals(client.getValue())) {
            return invalidGrant(request, "the authorization code was issued to another client");
        }
        // RFC 6749 §4.1.3: the same redirect_uri as in the authorization request, compared as strings.
        if (grant.getRedirectionURI() == null
                || !pending.redirectUri().toString().equals(grant.getRedirectionURI().toString())) {
            return invalidGrant(request, "redirect_uri does not match the authorization request");
        }
        if (grant.getCodeVerifier() == null
                || !CodeChallenge.compute(CodeChallengeMethod.S256, grant.getCodeVerifier()).equals(pending.challenge())) {
            return invalidGrant(request, "code_verifier does not match the code_challenge");
        }
        if (!namedResources(token, signIn)) {
            return invalidTarget(request);
        }
        return tokens(request, signIn);
    }

    private OAuth2HttpResponse refresh(OAuth2HttpRequest request, TokenRequest token, RefreshTokenGrant grant,
            ClientID client) {
        String refreshToken = grant.getRefreshToken().getValue();
        Optional<SignIn> redeemed = grants.findRefreshToken(refreshToken);
        if (redeemed.isEmpty()) {
            return invalidGrant(request, "unknown, expired or already used refresh token");
        }
        SignIn signIn = redeemed.get();
        if (!signIn.clientId().equals(client.getValue())) {
            return invalidGrant(request, "the refresh token was issued to another client");
        }
        if (!namedResources(token, signIn)) {
            return invalidTarget(request);
        }
        Optional<List<String>> scopes = ScopePolicy.narrow(signIn.scopes(), token.getScope());
        if (scopes.isEmpty()) {
            return Responses.error(request, OAuth2Error.INVALID_SCOPE
                    .setDescription("a refresh may not ask for more than was granted: " + signIn.scopes()));
        }
        // Checked before it is used up, so that a refused request leaves the client its refresh token.
        if (!grants.useRefreshToken(refreshToken, signIn)) {
            return invalidGrant(request, "unknown, expired or already used refresh token");
        }
        return tokens(request, signIn.withScopes(scopes.get()));
    }

    /** RFC 8707 §2.2: a token request's resources must be ones the authorization named, when it named any. */
    private static boolean namedResources(TokenRequest token, SignIn signIn) {
        List<URI> asked = token.getResources();
        if (asked == null || asked.isEmpty() || signIn.resources().isEmpty()) {
            return true;
        }
        return asked.stream().allMatch(uri -> signIn.resources().stream()
                .anyMatch(granted -> granted.toString().equals(uri.toString())));
    }

    private OAuth2HttpResponse tokens(OAuth2HttpRequest request, SignIn signIn) {
        long lifetime = minter.lifetime().toSeconds();
        BearerAccessToken access = new BearerAccessToken(minter.accessToken(signIn).serialize(), lifetime,
                new Scope(signIn.scopes().toArray(String[]::new)));
        RefreshToken refresh = signIn.scopes().contains(ScopePolicy.OFFLINE_ACCESS)
                ? new RefreshToken(grants.issueRefreshToken(signIn)) : null;
        HTTPResponse response = signIn.scopes().contains(ScopePolicy.OPENID)
                ? new OIDCTokenResponse(new OIDCTokens(minter.idToken(signIn), access, refresh)).toHTTPResponse()
                : new AccessTokenResponse(new Tokens(access, refresh)).toHTTPResponse();
        return Responses.fromNimbus(request, response);
    }

    private static OAuth2HttpResponse invalidGrant(OAuth2HttpRequest request, String description) {
        return Responses.error(request, OAuth2Error.INVALID_GRANT.setDescription(description));
    }

    private static OAuth2HttpResponse invalidTarget(OAuth2HttpRequest request) {
        return Responses.error(request, OAuth2Error.INVALID_TARGET
                .setDescription("resource must be one the authorization request named"));
    }
}
