package dev.baton;

import java.net.URI;
import java.util.Objects;

/**
 * A token type identifier (RFC 8693 §3), such as {@code urn:ietf:params:oauth:token-type:access_token}.
 * Immutable; equal when the URIs are equal.
 */
public final class TokenType {
    /** An OAuth 2.0 access token (RFC 8693 §3). */
    public static final TokenType ACCESS_TOKEN = new TokenType("urn:ietf:params:oauth:token-type:access_token");
    /** An OAuth 2.0 refresh token (RFC 8693 §3). */
    public static final TokenType REFRESH_TOKEN = new TokenType("urn:ietf:params:oauth:token-type:refresh_token");
    /** An OpenID Connect ID token (RFC 8693 §3). */
    public static final TokenType ID_TOKEN = new TokenType("urn:ietf:params:oauth:token-type:id_token");
    /** A base64url-encoded SAML 1.1 assertion (RFC 8693 §3). */
    public static final TokenType SAML1 = new TokenType("urn:ietf:params:oauth:token-type:saml1");
    /** A base64url-encoded SAML 2.0 assertion (RFC 8693 §3). */
    public static final TokenType SAML2 = new TokenType("urn:ietf:params:oauth:token-type:saml2");
    /** A JWT (RFC 7519 §9). */
    public static final TokenType JWT = new TokenType("urn:ietf:params:oauth:token-type:jwt");

    private final String uri;

    private TokenType(String uri) {
        this.uri = uri;
    }

    /**
     * The token type with the given identifier; one of the constants when it matches one.
     *
     * @throws IllegalArgumentException if {@code uri} is blank or not an absolute URI
     */
    public static TokenType of(String uri) {
        Objects.requireNonNull(uri, "uri");
        for (TokenType t : new TokenType[] {ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN, SAML1, SAML2, JWT}) {
            if (t.uri.equals(uri)) {
                return t;
            }
        }
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token type must be an absolute URI", e);
        }
        if (!parsed.isAbsolute()) {
            throw new IllegalArgumentException("token type must be an absolute URI");
        }
        return new TokenType(uri);
    }

    /** The identifier, for example {@code urn:ietf:params:oauth:token-type:access_token}. */
    public String uri() {
        return uri;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenType t && t.uri.equals(uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    @Override
    public String toString() {
        return uri;
    }
}
