package dev.baton.okhttp;

import dev.baton.TokenExchangeException;
import java.io.IOException;
import java.util.Objects;

/**
 * The token exchange for a routed request failed, or produced a token that cannot be sent (for
 * example a {@code token_type} other than Bearer, RFC 6749 §7.1). The request was not sent.
 *
 * <p>An {@link IOException} so that OkHttp callers handle it like any other I/O failure of the call
 * ({@code Callback.onFailure} for asynchronous calls). The cause is always the
 * {@link TokenExchangeException}: its {@link TokenExchangeException#error() error} code and
 * {@link TokenExchangeException#isRetryable() retryability} tell what happened. The message never
 * contains a token.
 */
public final class TokenExchangeIOException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Thrown by Baton's interceptor; public so that its implementation package can raise it.
     *
     * @param message what failed, naming the route and never a token
     * @param cause the exchange failure
     * @throws NullPointerException if {@code cause} is null
     */
    public TokenExchangeIOException(String message, TokenExchangeException cause) {
        super(message, Objects.requireNonNull(cause, "cause"));
    }

    /**
     * The exchange failure.
     *
     * @return the cause, never null
     */
    public TokenExchangeException exchangeException() {
        return (TokenExchangeException) getCause();
    }
}
