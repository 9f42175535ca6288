package dev.baton.examples.authserver;

import com.nimbusds.jwt.SignedJWT;
import dev.baton.examples.authserver.SignInGrants.SignIn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * Signs the {@code mcp} issuer's tokens with mock-oauth2-server's key for that issuer (the one its
 * {@code /mcp/jwks} publishes), with times from an injectable clock.
 *
 * <p>Access tokens carry what an Okta custom authorization server puts in its own: {@code iss},
 * {@code sub}, {@code aud} (always the MCP server's audience, whatever RFC 8707 {@code resource}
 * the client named: Okta's audience is a setting of the authorization server), {@code scp} (the
 * granted scopes), {@code client_id}, {@code iat}, {@code nbf}, {@code exp} and {@code jti}. A
 * refreshed token is minted from the same {@link SignIn}, so it carries the same claims.
 */
final class TokenMinter {
    private final OAuth2TokenProvider provider;
    private final String issuer;
    private final String issuerId;
    private final String audience;
    private final Duration lifetime;
    private final Clock clock;

    /**
     * @param provider mock-oauth2-server's token provider (its keys)
     * @param issuer the issuer URL written into {@code iss}
     * @param issuerId the issuer's id, whose key signs
     * @param audience the access tokens' {@code aud}
     * @param lifetime how long access and ID tokens are valid
     * @param clock the time of {@code iat}, {@code nbf} and {@code exp}
     */
    TokenMinter(OAuth2TokenProvider provider, String issuer, String issuerId, String audience, Duration lifetime,
            Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("the token lifetime must be positive: " + lifetime);
        }
        this.provider = provider;
        this.issuer = issuer;
        this.issuerId = issuerId;
        this.audience = audience;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** How long the tokens are valid ({@code expires_in}). */
    Duration lifetime() {
        return lifetime;
    }

    /** An access token for the MCP server. */
    SignedJWT accessToken(SignIn signIn) {
        Map<String, Object> claims = registered(signIn.subject(), List.of(audience));
        claims.put("scp", signIn.scopes());
        claims.put("client_id", signIn.clientId());
        return provider.jwt(claims, lifetime, issuerId);
    }

    /** An OpenID Connect ID token for the client (OpenID Connect Core §2), with the request's nonce. */
    SignedJWT idToken(SignIn signIn) {
        Map<String, Object> claims = registered(signIn.subject(), List.of(signIn.clientId()));
        if (signIn.nonce() != null) {
            claims.put("nonce", signIn.nonce());
        }
        return provider.jwt(claims, lifetime, issuerId);
    }

    private Map<String, Object> registered(String subject, List<String> aud) {
        // mock-oauth2-server sets iat, nbf and exp from its own clock, then applies these claims over them.
        Instant now = clock.instant();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("aud", aud);
        claims.put("iat", Date.from(now));
        claims.put("nbf", Date.from(now));
        claims.put("exp", Date.from(now.plus(lifetime)));
        claims.put("jti", UUID.randomUUID().toString());
        return claims;
    }
}
