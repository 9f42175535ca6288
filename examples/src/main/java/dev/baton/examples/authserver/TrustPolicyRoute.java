package dev.baton.examples.authserver;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;

/**
 * The policy that mock-oauth2-server lacks and Okta has: the backend authorization server issues
 * tokens <em>only</em> by RFC 8693 token exchange, only to its one trusted client (authenticated with
 * its secret), only for subject tokens issued by the trusted {@code mcp} issuer for the MCP server's
 * audience, and only for the backend's audience and scope (Okta's "trusted servers" plus a Token
 * Exchange access policy rule, with no other grant enabled on the app).
 *
 * <p>mock-oauth2-server tries its routes in order; this one comes first and matches only the
 * requests it refuses, answering with an RFC 6749 §5.2 / RFC 8693 §2.2.2 error:
 * <ul>
 *   <li>any other grant at the token endpoint ({@code client_credentials}, {@code password},
 *       {@code authorization_code}, {@code refresh_token}, ...): 400 {@code unauthorized_client};</li>
 *   <li>the authorization endpoint (and its login page with the optional-claims box) and the
 *       debugger: 400 {@code unauthorized_client}, so no code and no token can come from them;</li>
 *   <li>a wrong client secret: 401 {@code invalid_client};</li>
 *   <li>a {@code subject_token_type} other than the access-token URN, or a repeated parameter:
 *       400 {@code invalid_request};</li>
 *   <li>an {@code audience} other than exactly the backend's: 400 {@code invalid_target};</li>
 *   <li>a requested scope outside the backend's: 400 {@code invalid_scope};</li>
 *   <li>a subject token that is not the trusted issuer's, for the MCP server: 400 {@code invalid_grant}.</li>
 * </ul>
 * Accepted requests fall through to mock-oauth2-server's own handler.
 */
final class TrustPolicyRoute implements Route {
    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** Endpoints of the backend issuer that could hand out a code or a token other than by exchange. */
    private static final Set<String> REFUSED_ENDPOINTS = Set.of("authorize", "debugger", "callback");

    private final String issuerId;
    private final String clientId;
    private final byte[] clientSecret;
    private final String trustedAudience;
    private final String exchangeAudience;
    private final Set<String> exchangeScopes;
    private volatile DefaultJWTProcessor<SecurityContext> subjectVerifier;

    /**
     * @param issuerId the issuer (first path segment) this policy guards
     * @param clientId the only client allowed to exchange
     * @param clientSecret its secret
     * @param trustedAudience the audience a subject token must carry (the MCP server's)
     * @param exchangeAudience the only {@code audience} a client may ask for (RFC 8693 §2.1)
     * @param exchangeScopes the scopes a client may ask for; asking for none is allowed
     */
    TrustPolicyRoute(String issuerId, String clientId, String clientSecret, String trustedAudience,
            String exchangeAudience, Set<String> exchangeScopes) {
        this.issuerId = issuerId;
        this.clientId = clientId;
        this.clientSecret = clientSecret.getBytes(StandardCharsets.UTF_8);
        this.trustedAudience = trustedAudience;
        this.exchangeAudience = exchangeAudience;
        this.exchangeScopes = Set.copyOf(exchangeScopes);
    }

    /** Trusts subject tokens of {@code issuer}, verified with its public keys. */
    void trust(String issuer, JWKSet publicKeys) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(publicKeys)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                trustedAudience, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp")));
        this.subjectVerifier = processor;
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        return refusal(request) != null;
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        OAuth2HttpResponse refusal = refusal(request);
        return refusal != null ? refusal : error(request, 400, "invalid_request", "request changed while routed");
    }

    private OAuth2HttpResponse refusal(OAuth2HttpRequest request) {
        // Path segments decoded and without empty ones, so that "/backend//token/" or
        // "/backend/%74oken" cannot slip past a string comparison.
        List<String> path = request.getUrl().pathSegments().stream().filter(p -> !p.isEmpty()).toList();
        if (path.isEmpty() || !issuerId.equals(path.get(0))) {
            return null;
        }
        String endpoint = path.get(path.size() - 1);
        if (REFUSED_ENDPOINTS.contains(endpoint)) {
            return error(request, 400, "unauthorized_client", "this authorization server issues tokens by token exchange only");
        }
        if (!"token".equals(endpoint)) {
            return null;
        }
        Map<String, List<String>> form;
        try {
            form = Responses.parseForm(request.getBody());
        } catch (IllegalArgumentException badEncoding) {
            return error(request, 400, "invalid_request", "malformed form body");
        }
        if (!List.of(TOKEN_EXCHANGE).equals(form.get("grant_type")) || !"POST".equals(request.getMethod())) {
            return error(request, 400, "unauthorized_client", "this authorization server issues tokens by token exchange only");
        }
        if (!authenticated(request.getHeaders().get("Authorization"), form)) {
            return error(request, 401, "invalid_client", "client authentication failed");
        }
        // RFC 6749 §3.2: parameters must not be repeated (audience may be, RFC 8693 §2.1; checked below).
        if (form.entrySet().stream().anyMatch(e -> e.getValue().size() > 1 && !"audience".equals(e.getKey()))) {
            return error(request, 400, "invalid_request", "repeated parameter");
        }
        if (!List.of(ACCESS_TOKEN_TYPE).equals(form.get("subject_token_type"))) {
            return error(request, 400, "invalid_request", "subject_token_type must be " + ACCESS_TOKEN_TYPE);
        }
        // RFC 8693 §2.2.2: invalid_target when the requested audience is unknown or unacceptable.
        if (!List.of(exchangeAudience).equals(form.get("audience"))) {
            return error(request, 400, "invalid_target", "the only audience this client may request is " + exchangeAudience);
        }
        List<String> scope = form.getOrDefault("scope", List.of());
        if (!scope.isEmpty() && !exchangeScopes.containsAll(List.of(scope.get(0).trim().split(" +")))) {
            return error(request, 400, "invalid_scope", "the only scopes this client may request are " + exchangeScopes);
        }
        DefaultJWTProcessor<SecurityContext> verifier = subjectVerifier;
        List<String> subjectToken = form.get("subject_token");
        if (verifier == null || subjectToken == null) {
            return error(request, 400, "invalid_grant", "subject token missing");
        }
        try {
            verifier.process(subjectToken.get(0), null);
        } catch (Exception e) {
            return error(request, 400, "invalid_grant", "subject token not issued by a trusted authorization server for "
                    + trustedAudience);
        }
        return null;
    }

    private boolean authenticated(String authorization, Map<String, List<String>> form) {
        String id;
        String secret;
        if (authorization != null) {
            try {
                ClientSecretBasic basic = ClientSecretBasic.parse(authorization);
                id = basic.getClientID().getValue();
                secret = basic.getClientSecret().getValue();
            } catch (Exception e) {
                return false;
            }
        } else {
            id = single(form, "client_id");
            secret = single(form, "client_secret");
        }
        return clientId.equals(id) && secret != null
                && MessageDigest.isEqual(clientSecret, secret.getBytes(StandardCharsets.UTF_8));
    }

    private static String single(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values != null && values.size() == 1 ? values.get(0) : null;
    }

    private static OAuth2HttpResponse error(OAuth2HttpRequest request, int status, String error, String description) {
        OAuth2HttpResponse response = Responses.error(request, status, error, description);
        if (status != 401) {
            return response;
        }
        // RFC 6749 §5.2: a 401 invalid_client names the authentication scheme the client should use.
        return new OAuth2HttpResponse(response.getHeaders().newBuilder()
                .set("WWW-Authenticate", "Basic realm=\"backend\"").build(), 401, response.getBody(), null);
    }
}
