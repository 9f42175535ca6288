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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;

/**
 * The policy that mock-oauth2-server lacks and Okta has: the backend authorization server performs a
 * token exchange (RFC 8693) only for its one trusted client, authenticated with its secret, and only
 * for subject tokens issued by the trusted {@code mcp} issuer for the MCP server's audience (Okta's
 * "trusted servers" plus a Token Exchange access policy rule).
 *
 * <p>mock-oauth2-server tries its routes in order; this one comes first and matches only the
 * token-exchange requests it refuses, answering with an RFC 6749 §5.2 error ({@code invalid_client}
 * 401, or {@code invalid_grant} 400 as RFC 8693 §2.2.2 says for an unacceptable subject token).
 * Accepted requests fall through to mock-oauth2-server's own handler.
 */
final class TrustPolicyRoute implements Route {
    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

    private final String tokenPath;
    private final String clientId;
    private final byte[] clientSecret;
    private final String trustedAudience;
    private volatile DefaultJWTProcessor<SecurityContext> subjectVerifier;

    TrustPolicyRoute(String issuerId, String clientId, String clientSecret, String trustedAudience) {
        this.tokenPath = "/" + issuerId + "/token";
        this.clientId = clientId;
        this.clientSecret = clientSecret.getBytes(StandardCharsets.UTF_8);
        this.trustedAudience = trustedAudience;
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
        return refusal != null ? refusal : error(400, "invalid_request", "request changed while routed");
    }

    private OAuth2HttpResponse refusal(OAuth2HttpRequest request) {
        if (!"POST".equals(request.getMethod()) || !tokenPath.equals(request.getUrl().encodedPath())) {
            return null;
        }
        Map<String, String> form = parseForm(request.getBody());
        if (!TOKEN_EXCHANGE.equals(form.get("grant_type"))) {
            return null;
        }
        if (!authenticated(request.getHeaders().get("Authorization"), form)) {
            return error(401, "invalid_client", "client authentication failed");
        }
        DefaultJWTProcessor<SecurityContext> verifier = subjectVerifier;
        String subjectToken = form.get("subject_token");
        if (verifier == null || subjectToken == null) {
            return error(400, "invalid_grant", "subject token missing");
        }
        try {
            verifier.process(subjectToken, null);
        } catch (Exception e) {
            return error(400, "invalid_grant", "subject token not issued by a trusted authorization server for "
                    + trustedAudience);
        }
        return null;
    }

    private boolean authenticated(String authorization, Map<String, String> form) {
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
            id = form.get("client_id");
            secret = form.get("client_secret");
        }
        return clientId.equals(id) && secret != null
                && MessageDigest.isEqual(clientSecret, secret.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        if (body == null) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static OAuth2HttpResponse error(int status, String error, String description) {
        Headers headers = status == 401
                ? Headers.of("Content-Type", "application/json", "WWW-Authenticate", "Basic realm=\"backend\"")
                : Headers.of("Content-Type", "application/json");
        String body = "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
        return new OAuth2HttpResponse(headers, status, body, null);
    }
}
