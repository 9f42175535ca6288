package dev.baton.internal.exchange;

import dev.baton.ExchangeEvent;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The answer to one exchange call: a token or a failure, and where it came from (what its audit
 * event reports). Not API.
 *
 * @param token the token, or {@code null} on failure
 * @param failure the failure, or {@code null} when there is a token
 * @param source where the answer came from
 */
public record Served(ExchangedToken token, TokenExchangeException failure, ExchangeEvent.Source source) {

    /** The answer from {@code token} or {@code error} (as a future's callback receives them). */
    public static Served of(ExchangedToken token, Throwable error, ExchangeEvent.Source source) {
        return error == null ? new Served(token, null, source) : new Served(null, failureOf(error), source);
    }

    /** The token, or the failure, as the caller's future. */
    public CompletableFuture<ExchangedToken> toFuture() {
        return failure == null ? CompletableFuture.completedFuture(token) : CompletableFuture.failedFuture(failure);
    }

    /**
     * {@code error} as the {@link TokenExchangeException} callers are promised: unwrapped from the
     * future's wrappers, or a generic non-retryable failure naming only the exception's class (its
     * message could quote a token).
     */
    public static TokenExchangeException failureOf(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TokenExchangeException e) {
            return e;
        }
        return new TokenExchangeException("token exchange failed: " + t.getClass().getSimpleName(), null, null, 0,
                false, null);
    }
}
