package dev.baton.examples.authserver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPTokenRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPNonceException;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPProofException;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.util.singleuse.AlreadyUsedException;
import com.nimbusds.oauth2.sdk.util.singleuse.SingleUseChecker;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.minidev.json.JSONObject;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.Headers;

/**
 * The backend issuer's token exchange with DPoP required, as an Okta API Services app with "Require
 * Demonstrating Proof of Possession (DPoP) header in token requests" (Okta's default) behaves: every
 * exchange {@link TrustPolicyRoute} lets through must carry exactly one DPoP proof (RFC 9449 §5)
 * with the server's current nonce (§8), and yields a {@code token_type=DPoP} access token whose
 * {@code cnf.jkt} is the proof key's thumbprint (§6.1).
 *
 * <ul>
 *   <li>no proof, or several: 400 {@code invalid_dpop_proof};</li>
 *   <li>a proof without the current nonce: 400 {@code use_dpop_nonce} with a {@code DPoP-Nonce}
 *       header (the first request of every client gets this, as at Okta);</li>
 *   <li>a proof that Nimbus' {@link DPoPTokenRequestVerifier} refuses (not {@code dpop+jwt}, an
 *       algorithm other than ES256/RS256/PS256, a bad signature by the embedded key, {@code htm} not
 *       POST, {@code htu} not this endpoint, {@code iat} off by more than a minute, a {@code jti}
 *       seen before): 400 {@code invalid_dpop_proof}.</li>
 * </ul>
 * Every answer carries the current nonce. The token keeps the user's {@code sub} and carries
 * {@code aud=backend}, {@code scp=[backend-api:read]}, the exchanging {@code client_id} and an RFC
 * 8693 §4.1 {@code act} claim naming it.
 */
final class DPoPExchangeRoute implements Route {
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    private static final long MAX_CLOCK_SKEW_SECONDS = 60;
    private static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuerId;
    private final String audience;
    private final List<String> scopes;
    private final Duration lifetime;
    private final OAuth2TokenProvider provider;
    private final SingleUseChecker<Map.Entry<DPoPIssuer, JWTID>> usedProofs = new SeenJtis();
    private volatile String issuer;
    private volatile CurrentNonce nonce = CurrentNonce.fresh();

    DPoPExchangeRoute(String issuerId, String audience, List<String> scopes, Duration lifetime,
            OAuth2TokenProvider provider) {
        this.issuerId = issuerId;
        this.audience = audience;
        this.scopes = List.copyOf(scopes);
        this.lifetime = lifetime;
        this.provider = provider;
    }

    /** The issuer URL, known once the server listens; until then no exchange is answered here. */
    void issuer(String issuer) {
        this.issuer = issuer;
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        List<String> path = request.getUrl().pathSegments().stream().filter(p -> !p.isEmpty()).toList();
        return issuer != null && "POST".equals(request.getMethod()) && path.equals(List.of(issuerId, "token"));
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        String current = currentNonce();
        List<String> proofs = request.getHeaders().values("DPoP");
        if (proofs.size() != 1) {
            return error(request, "invalid_dpop_proof", "exactly one DPoP proof is required", current);
        }
        SignedJWT proof;
        try {
            proof = SignedJWT.parse(proofs.get(0));
            // RFC 9449 §8: a proof without the current nonce is answered with it, before any other check.
            if (!current.equals(proof.getJWTClaimsSet().getStringClaim("nonce"))) {
                return error(request, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof", current);
            }
        } catch (java.text.ParseException e) {
            return error(request, "invalid_dpop_proof", "malformed DPoP proof", current);
        }
        Map<String, List<String>> form = Responses.parseForm(request.getBody());
        String clientId = clientId(request, form);
        JWKThumbprintConfirmation cnf;
        try {
            DPoPTokenRequestVerifier verifier = new DPoPTokenRequestVerifier(ALGORITHMS,
                    URI.create(issuer + "/token"), MAX_CLOCK_SKEW_SECONDS, usedProofs);
            cnf = verifier.verify(new DPoPIssuer(clientId), proof, new Nonce(current));
        } catch (InvalidDPoPNonceException e) {
            return error(request, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof", current);
        } catch (InvalidDPoPProofException | com.nimbusds.jose.JOSEException e) {
            return error(request, "invalid_dpop_proof", "invalid DPoP proof", current);
        }
        String subject;
        try {
            subject = SignedJWT.parse(form.get("subject_token").get(0)).getJWTClaimsSet().getSubject();
        } catch (java.text.ParseException | RuntimeException e) {
            return error(request, "invalid_grant", "subject token unreadable", current);
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("aud", List.of(audience));
        claims.put("scp", scopes);
        claims.put("client_id", clientId);
        claims.put("act", Map.of("sub", clientId));
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("cnf", Map.of("jkt", cnf.getValue().toString()));
        SignedJWT token = provider.jwt(claims, lifetime, issuerId);
        JSONObject body = new JSONObject();
        body.put("access_token", token.serialize());
        body.put("issued_token_type", ACCESS_TOKEN_TYPE);
        body.put("token_type", "DPoP");
        body.put("expires_in", lifetime.toSeconds());
        body.put("scope", String.join(" ", scopes));
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json", "Cache-Control", "no-store",
                "DPoP-Nonce", current), 200, body.toJSONString(), null);
    }

    /** The client's id: its Basic credentials (which {@link TrustPolicyRoute} checked) or {@code client_id}. */
    private static String clientId(OAuth2HttpRequest request, Map<String, List<String>> form) {
        String authorization = request.getHeaders().get("Authorization");
        if (authorization != null) {
            try {
                return ClientSecretBasic.parse(authorization).getClientID().getValue();
            } catch (com.nimbusds.oauth2.sdk.ParseException e) {
                return "unknown";
            }
        }
        return form.getOrDefault("client_id", List.of("unknown")).get(0);
    }

    /** The nonce proofs must carry now; a new one every five minutes (RFC 9449 §8: the server's choice). */
    private String currentNonce() {
        CurrentNonce n = nonce;
        if (System.nanoTime() - n.since() > NONCE_LIFETIME.toNanos()) {
            n = CurrentNonce.fresh();
            nonce = n;
        }
        return n.value();
    }

    private static OAuth2HttpResponse error(OAuth2HttpRequest request, String code, String description, String nonce) {
        OAuth2HttpResponse response = Responses.error(request, 400, code, description);
        return new OAuth2HttpResponse(response.getHeaders().newBuilder().set("DPoP-Nonce", nonce).build(), 400,
                response.getBody(), null);
    }

    private record CurrentNonce(String value, long since) {
        static CurrentNonce fresh() {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            return new CurrentNonce(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), System.nanoTime());
        }
    }

    /**
     * Proof {@code jti}s seen within the accepted {@code iat} window (RFC 9449 §11.1), bounded;
     * an entry outlives the window, so a replayed proof is refused for as long as it could pass.
     */
    private static final class SeenJtis implements SingleUseChecker<Map.Entry<DPoPIssuer, JWTID>> {
        private final Cache<Map.Entry<DPoPIssuer, JWTID>, Boolean> seen = Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofSeconds(3 * MAX_CLOCK_SKEW_SECONDS)).maximumSize(100_000).build();

        @Override
        public void markAsUsed(Map.Entry<DPoPIssuer, JWTID> use) throws AlreadyUsedException {
            if (seen.asMap().putIfAbsent(use, Boolean.TRUE) != null) {
                throw new AlreadyUsedException("the DPoP proof was used before");
            }
        }
    }
}
