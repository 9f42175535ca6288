package dev.baton.okhttp;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import dev.baton.ValidatedToken;
import dev.baton.internal.Checks;
import java.util.Objects;

/**
 * The user's token that a routed request is exchanged for (RFC 8693 §2.1 {@code subject_token}).
 *
 * <p>The hand-off from the incoming request to the outgoing call is the {@link ValidatedToken} the
 * validator accepted, carried as the request tag {@code ValidatedToken.class}; the interceptor wraps
 * it with {@link #of(ValidatedToken)}. Tag a request with a {@code SubjectToken} only when you hold
 * the raw token rather than a {@link ValidatedToken}:
 *
 * <pre>{@code
 * Request request = new Request.Builder()
 *     .url("https://api.example.com/graphql")
 *     .tag(SubjectToken.class, SubjectToken.of(rawToken, TokenType.ACCESS_TOKEN))
 *     .build();
 * }</pre>
 *
 * <p>A {@link SubjectTokenSource} returns one too. Immutable; {@link #toString()} shows the type and
 * a {@linkplain ValidatedToken#fingerprintOf(String) fingerprint}, never the token.
 */
public final class SubjectToken {
    private final String value;
    private final TokenType type;
    private final ValidatedToken validated;

    private SubjectToken(String value, TokenType type, ValidatedToken validated) {
        this.value = value;
        this.type = type;
        this.validated = validated;
    }

    /**
     * A raw token of the given type.
     *
     * @param token the raw subject token
     * @param type its {@code subject_token_type}
     * @return the subject token
     * @throws IllegalArgumentException if {@code token} is blank
     * @throws NullPointerException if an argument is null
     */
    public static SubjectToken of(String token, TokenType type) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(type, "type");
        Checks.requireArgument(!token.isBlank(), "subject token must not be blank");
        return new SubjectToken(token, type, null);
    }

    /**
     * A validated access token; the exchange then knows the user and the token's expiry (which
     * bounds how long the exchanged token is cached).
     *
     * @param token the token a {@code TokenValidator} returned
     * @return the subject token, of type {@link TokenType#ACCESS_TOKEN}
     * @throws NullPointerException if {@code token} is null
     */
    public static SubjectToken of(ValidatedToken token) {
        Objects.requireNonNull(token, "token");
        return new SubjectToken(token.value(), TokenType.ACCESS_TOKEN, token);
    }

    /**
     * The raw token. Never log it.
     *
     * @return the raw token
     */
    public String value() {
        return value;
    }

    /**
     * The {@code subject_token_type}.
     *
     * @return the token type
     */
    public TokenType type() {
        return type;
    }

    /** An exchange request builder holding this subject token: the validated one when there is one. */
    ExchangeRequest.Builder exchangeRequest() {
        ExchangeRequest.Builder builder = ExchangeRequest.builder();
        return validated != null ? builder.subjectToken(validated) : builder.subjectToken(value, type);
    }

    @Override
    public String toString() {
        return "SubjectToken[type=" + type + ", fingerprint=" + ValidatedToken.fingerprintOf(value) + "]";
    }
}
