package dev.baton;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A token issued by a token exchange (RFC 8693 §2.2.1). Immutable; {@link #toString()} never shows it.
 *
 * <p>A token is either sent as it is ({@code Bearer}, RFC 6750) or, when {@link #isDPoPBound()}, bound
 * to the exchanger's {@link DPoPKey} (RFC 9449 §5): it must then go out as {@code Authorization: DPoP
 * <token>} with a fresh proof signed by that key, and is useless to anyone without the key.
 */
public final class ExchangedToken {
    private static final String BEARER = "Bearer";

    private final String accessToken;
    private final String tokenType;
    private final TokenType issuedTokenType;
    private final Instant expiresAt;
    private final Set<String> scopes;
    private final String dpopKeyThumbprint;

    /**
     * @param accessToken the issued token ({@code access_token})
     * @param tokenType the {@code token_type}, for example {@code Bearer} or {@code N_A}
     * @param issuedTokenType the {@code issued_token_type}
     * @param expiresAt when the token expires, as Baton computed it from {@code expires_in} (capped)
     * @param scopes the granted scopes
     */
    public ExchangedToken(String accessToken, String tokenType, TokenType issuedTokenType, Instant expiresAt,
            Collection<String> scopes) {
        this(accessToken, tokenType, issuedTokenType, expiresAt, scopes, null);
    }

    /**
     * A token that may be DPoP-bound.
     *
     * @param accessToken the issued token ({@code access_token})
     * @param tokenType the {@code token_type}, for example {@code Bearer} or {@code DPoP}
     * @param issuedTokenType the {@code issued_token_type}
     * @param expiresAt when the token expires, as Baton computed it from {@code expires_in} (capped)
     * @param scopes the granted scopes
     * @param dpopKeyThumbprint the {@link DPoPKey#thumbprint() thumbprint} of the key the token is bound
     *     to, or {@code null} for a token that is not DPoP-bound
     * @throws IllegalArgumentException if a thumbprint is given and {@code tokenType} is not {@code DPoP},
     *     or {@code tokenType} is {@code DPoP} without a thumbprint (RFC 9449 §5)
     */
    public ExchangedToken(String accessToken, String tokenType, TokenType issuedTokenType, Instant expiresAt,
            Collection<String> scopes, String dpopKeyThumbprint) {
        this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
        // Every cached token holds one of these: the usual "Bearer" shares the constant instead of
        // keeping the response's own copy of six characters.
        this.tokenType = BEARER.equals(Objects.requireNonNull(tokenType, "tokenType")) ? BEARER : tokenType;
        this.issuedTokenType = Objects.requireNonNull(issuedTokenType, "issuedTokenType");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.scopes = compact(scopes);
        boolean dpopType = "dpop".equalsIgnoreCase(tokenType);
        if (dpopType != (dpopKeyThumbprint != null)) {
            throw new IllegalArgumentException(dpopType ? "a DPoP token needs the thumbprint of its key"
                    : "only a token of token_type DPoP is bound to a DPoP key");
        }
        if (dpopKeyThumbprint != null && dpopKeyThumbprint.isBlank()) {
            throw new IllegalArgumentException("the DPoP key thumbprint is blank");
        }
        this.dpopKeyThumbprint = dpopKeyThumbprint;
    }

    /**
     * An immutable copy in iteration order. Each cached token keeps its set, so the usual cases, no
     * scope or one, take an empty or singleton set (16 bytes at most) instead of a
     * {@code LinkedHashSet} (about 240 bytes for one element).
     */
    private static Set<String> compact(Collection<String> scopes) {
        LinkedHashSet<String> copy = new LinkedHashSet<>(scopes);
        switch (copy.size()) {
            case 0:
                return Collections.emptySet();
            case 1:
                return Collections.singleton(copy.iterator().next());
            default:
                return Collections.unmodifiableSet(copy);
        }
    }

    /** The issued token, to send upstream. Never log it. */
    public String accessToken() {
        return accessToken;
    }

    /** The {@code token_type} as the server sent it, for example {@code Bearer} or {@code N_A}. */
    public String tokenType() {
        return tokenType;
    }

    /** Whether {@link #tokenType()} is {@code Bearer}, compared case-insensitively (RFC 6749 §7.1). */
    public boolean isBearer() {
        return "bearer".equalsIgnoreCase(tokenType);
    }

    /**
     * Whether the token is bound to a DPoP key ({@code token_type} {@code DPoP}, RFC 9449 §5): it
     * must be sent as {@code Authorization: DPoP <token>} with a proof signed by the key
     * {@link #dpopKeyThumbprint()} names, never as a Bearer token.
     */
    public boolean isDPoPBound() {
        return dpopKeyThumbprint != null;
    }

    /**
     * The RFC 7638 thumbprint of the DPoP key the token is bound to ({@link DPoPKey#thumbprint()}),
     * empty for a token that is not DPoP-bound.
     */
    public Optional<String> dpopKeyThumbprint() {
        return Optional.ofNullable(dpopKeyThumbprint);
    }

    /** The {@code issued_token_type}. */
    public TokenType issuedTokenType() {
        return issuedTokenType;
    }

    /** When the token expires. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The granted scopes: the response's {@code scope}, or the requested ones when it was omitted (RFC 6749 §5.1). */
    public Set<String> scopes() {
        return scopes;
    }

    @Override
    public String toString() {
        return "ExchangedToken[token_type=" + tokenType + ", issued_token_type=" + issuedTokenType
                + ", expires_at=" + expiresAt + ", scope=" + scopes
                + (dpopKeyThumbprint == null ? "" : ", dpop_jkt=" + dpopKeyThumbprint)
                + ", fingerprint=" + ValidatedToken.fingerprintOf(accessToken) + "]";
    }
}
