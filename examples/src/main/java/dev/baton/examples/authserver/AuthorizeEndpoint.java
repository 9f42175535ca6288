package dev.baton.examples.authserver;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.util.ResourceUtils;
import com.nimbusds.openid.connect.sdk.OIDCError;
import com.nimbusds.openid.connect.sdk.Prompt;
import dev.baton.examples.authserver.SignInGrants.PendingCode;
import dev.baton.examples.authserver.SignInGrants.SignIn;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;

/**
 * The {@code mcp} issuer's authorization endpoint (RFC 6749 §4.1.1), for the authorization code
 * flow with PKCE and RFC 8707 resource indicators, as MCP clients run it.
 *
 * <p>{@code GET} shows a login page where any user name is accepted (no password: a demo
 * authorization server); the page posts the name back to the same URL, and {@code POST} answers
 * with the authorization response: a redirect carrying the code, the {@code state} and the
 * {@code iss} (RFC 9207). The request is checked before the page is shown and again when it is
 * posted:
 * <ul>
 *   <li>{@code client_id} and a {@code redirect_uri} the {@link ClientRegistry} allows, else an error
 *       page and no redirect (§4.1.2.1: never redirect to an unverified URI);</li>
 *   <li>{@code response_type=code} ({@code unsupported_response_type}), query response mode, no
 *       request objects ({@code invalid_request});</li>
 *   <li>a PKCE {@code code_challenge} with {@code code_challenge_method=S256} (OAuth 2.1 §4.1.1 and
 *       the MCP authorization spec require it; {@code plain} is refused);</li>
 *   <li>each {@code resource} an absolute URI without a fragment (RFC 8707 §2, {@code invalid_target});</li>
 *   <li>scopes by {@link ScopePolicy} ({@code invalid_scope} when none is known);
 *       {@code prompt=none} gets {@code login_required}: there is no session to sign in silently.</li>
 * </ul>
 */
final class AuthorizeEndpoint {
    /** User names become {@code sub}: printable, no spaces, short. */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");

    private final URI endpoint;
    private final Issuer issuer;
    private final ScopePolicy scopes;
    private final ClientRegistry clients;
    private final SignInGrants grants;

    AuthorizeEndpoint(URI endpoint, Issuer issuer, ScopePolicy scopes, ClientRegistry clients, SignInGrants grants) {
        this.endpoint = endpoint;
        this.issuer = issuer;
        this.scopes = scopes;
        this.clients = clients;
        this.grants = grants;
    }

    /** Handles {@code GET} (the login page) and {@code POST} (the login) on the endpoint. */
    OAuth2HttpResponse handle(OAuth2HttpRequest request) {
        if (Responses.tooLarge(request)) {
            return errorPage("The request is too large.");
        }
        AuthorizationRequest authorization;
        try {
            // The parameters are in the query, also when the login page posts back (its body holds the user name).
            String query = request.getOriginalUrl().encodedQuery();
            authorization = AuthorizationRequest.parse(endpoint, query == null ? "" : query);
        } catch (ParseException e) {
            return refuseUnparsed(e);
        }
        if (!clients.redirectAllowed(authorization.getClientID(), authorization.getRedirectionURI())) {
            return errorPage("The redirect URI is missing, or not allowed for this client: it must be https, http on "
                    + "a loopback host or a private-use scheme, and one the client registered if it registered.");
        }
        Optional<ErrorObject> refusal = check(authorization);
        if (refusal.isPresent()) {
            return redirectError(authorization.getRedirectionURI(), refusal.get(), authorization.getState());
        }
        List<String> granted = scopes.grant(authorization.getScope()).orElseThrow();
        if ("GET".equals(request.getMethod())) {
            return Responses.html(200, loginPage(authorization.getClientID().getValue(), granted, null));
        }
        String user = single(request, "username");
        if (user == null || !USER_NAME.matcher(user).matches()) {
            return Responses.html(400, loginPage(authorization.getClientID().getValue(), granted,
                    "Enter a user name of letters, digits and . _ @ + - (at most 64)."));
        }
        List<String> nonce = authorization.getCustomParameter("nonce");
        SignIn signIn = new SignIn(user, authorization.getClientID().getValue(), granted,
                authorization.getResources() == null ? List.of() : authorization.getResources(),
                nonce == null || nonce.isEmpty() ? null : nonce.get(0));
        String code = grants.issueCode(new PendingCode(signIn, authorization.getRedirectionURI(),
                authorization.getCodeChallenge()));
        return Responses.redirect(new AuthorizationSuccessResponse(authorization.getRedirectionURI(),
                new AuthorizationCode(code), null, authorization.getState(), issuer, ResponseMode.QUERY).toURI());
    }

    /** The first rule {@code authorization} breaks, as the error to send back to the client. */
    private Optional<ErrorObject> check(AuthorizationRequest authorization) {
        if (!ResponseType.CODE.equals(authorization.getResponseType())) {
            return Optional.of(OAuth2Error.UNSUPPORTED_RESPONSE_TYPE
                    .setDescription("only the authorization code flow (response_type=code) is supported"));
        }
        if (authorization.getResponseMode() != null && !ResponseMode.QUERY.equals(authorization.getResponseMode())) {
            return Optional.of(OAuth2Error.INVALID_REQUEST.setDescription("only response_mode=query is supported"));
        }
        if (authorization.getRequestObject() != null || authorization.getRequestURI() != null) {
            return Optional.of(OAuth2Error.INVALID_REQUEST.setDescription("request objects are not supported"));
        }
        if (authorization.getCodeChallenge() == null
                || !CodeChallengeMethod.S256.equals(authorization.getCodeChallengeMethod())) {
            return Optional.of(OAuth2Error.INVALID_REQUEST
                    .setDescription("PKCE is required: send code_challenge with code_challenge_method=S256"));
        }
        if (authorization.getResources() != null
                && !authorization.getResources().stream().allMatch(ResourceUtils::isLegalResourceURI)) {
            return Optional.of(OAuth2Error.INVALID_TARGET
                    .setDescription("each resource must be an absolute URI without a fragment"));
        }
        if (authorization.getPrompt() != null && authorization.getPrompt().contains(Prompt.Type.NONE)) {
            return Optional.of(OIDCError.LOGIN_REQUIRED.setDescription("there is no session: the user must sign in"));
        }
        if (scopes.grant(authorization.getScope()).isEmpty()) {
            return Optional.of(OAuth2Error.INVALID_SCOPE
                    .setDescription("none of the requested scopes is known; supported: " + scopes.supported()));
        }
        return Optional.empty();
    }

    /**
     * A request Nimbus could not parse: back to the client when Nimbus found a client and a
     * redirect URI this issuer allows (RFC 6749 §4.1.2.1), else an error page.
     */
    private OAuth2HttpResponse refuseUnparsed(ParseException e) {
        if (e.getClientID() != null && e.getRedirectionURI() != null
                && clients.redirectAllowed(e.getClientID(), e.getRedirectionURI()) && e.getErrorObject() != null) {
            return redirectError(e.getRedirectionURI(), e.getErrorObject(), e.getState());
        }
        return errorPage("The authorization request is malformed or lacks client_id or redirect_uri.");
    }

    private OAuth2HttpResponse redirectError(URI redirectUri, ErrorObject error, State state) {
        return Responses.redirect(new AuthorizationErrorResponse(redirectUri, error, state, issuer, ResponseMode.QUERY)
                .toURI());
    }

    private static String single(OAuth2HttpRequest request, String name) {
        try {
            List<String> values = Responses.parseForm(request.getBody()).get(name);
            return values != null && values.size() == 1 ? values.get(0).strip() : null;
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static OAuth2HttpResponse errorPage(String message) {
        return Responses.html(400, page("Sign-in refused", "<p>" + Responses.escapeHtml(message) + "</p>"));
    }

    private static String loginPage(String clientId, List<String> granted, String problem) {
        String body = "<p>Client <code>" + Responses.escapeHtml(clientId) + "</code> asks for the scopes <code>"
                + Responses.escapeHtml(String.join(" ", granted)) + "</code>.</p>"
                + (problem == null ? "" : "<p style=\"color:#b00\">" + Responses.escapeHtml(problem) + "</p>")
                // An empty action posts back to this page's own URL, query (the authorization request) included.
                + "<form method=\"post\"><label>User name <input name=\"username\" autofocus required "
                + "maxlength=\"64\" autocomplete=\"username\"></label> <button type=\"submit\">Sign in</button></form>"
                + "<p>Any user name is accepted; there is no password. This is the example's embedded authorization "
                + "server, standing in for Okta.</p>";
        return page("Sign in (mcp)", body);
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Responses.escapeHtml(title)
                + "</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>"
                + Responses.escapeHtml(title) + "</h1>" + body + "</body></html>";
    }
}
