package dev.baton.examples.authserver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@code mcp} issuer remembers between requests: authorization codes until they are
 * redeemed, and refresh tokens with the sign-in they continue. Both are random 256-bit values,
 * single-use, bounded in number and in lifetime; nothing here is ever logged.
 */
final class SignInGrants {
    /** RFC 6749 §4.1.2: "a maximum authorization code lifetime of 10 minutes is RECOMMENDED". */
    static final Duration CODE_LIFETIME = Duration.ofMinutes(2);
    /** How long an unused refresh token stays valid (Okta's default: used at least once in 7 days). */
    static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(7);
    private static final int MAX_CODES = 10_000;
    private static final int MAX_REFRESH_TOKENS = 10_000;

    private final Cache<String, PendingCode> codes = Caffeine.newBuilder()
            .maximumSize(MAX_CODES).expireAfterWrite(CODE_LIFETIME).build();
    private final Cache<String, SignIn> refreshTokens = Caffeine.newBuilder()
            .maximumSize(MAX_REFRESH_TOKENS).expireAfterWrite(REFRESH_TOKEN_LIFETIME).build();

    /** A new authorization code for {@code pending}. */
    String issueCode(PendingCode pending) {
        String code = new AuthorizationCode(32).getValue();
        codes.put(code, pending);
        return code;
    }

    /** The code's sign-in, removed so that the code can never be redeemed again (RFC 6749 §4.1.2). */
    Optional<PendingCode> redeemCode(String code) {
        return Optional.ofNullable(codes.asMap().remove(code));
    }

    /** A new refresh token continuing {@code signIn}. */
    String issueRefreshToken(SignIn signIn) {
        String token = new RefreshToken(32).getValue();
        refreshTokens.put(token, signIn);
        return token;
    }

    /** The sign-in a refresh token continues, if the token is known; the token stays valid. */
    Optional<SignIn> findRefreshToken(String token) {
        return Optional.ofNullable(refreshTokens.getIfPresent(token));
    }

    /**
     * Uses up a refresh token found by {@link #findRefreshToken}: each one is used once and replaced
     * by a new one (rotation, OAuth 2.1 §4.3.1, required for public clients).
     *
     * @return false when another request used it first
     */
    boolean useRefreshToken(String token, SignIn signIn) {
        return refreshTokens.asMap().remove(token, signIn);
    }

    /**
     * One user's sign-in at one client: what every token issued from it, first or refreshed, says.
     *
     * @param subject the user ({@code sub})
     * @param clientId the client the user signed in at ({@code client_id}; refresh tokens are bound to it)
     * @param scopes the granted scopes ({@code scp})
     * @param resources the RFC 8707 resources the client named, possibly none
     * @param nonce the OpenID Connect nonce for the ID token, or {@code null}
     */
    record SignIn(String subject, String clientId, List<String> scopes, List<URI> resources, String nonce) {
        SignIn {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(clientId, "clientId");
            scopes = List.copyOf(scopes);
            resources = List.copyOf(resources);
        }

        /** The same sign-in with other scopes (a refresh that narrows the grant, RFC 6749 §6). */
        SignIn withScopes(List<String> narrowed) {
            return new SignIn(subject, clientId, narrowed, resources, nonce);
        }
    }

    /**
     * An authorization code waiting for its token request.
     *
     * @param signIn the sign-in it grants
     * @param redirectUri the redirect URI of the authorization request (the token request must repeat it)
     * @param challenge the PKCE S256 code challenge (RFC 7636 §4.3)
     */
    record PendingCode(SignIn signIn, URI redirectUri, CodeChallenge challenge) {
        PendingCode {
            Objects.requireNonNull(signIn, "signIn");
            Objects.requireNonNull(redirectUri, "redirectUri");
            Objects.requireNonNull(challenge, "challenge");
        }
    }
}
