package dev.baton.internal.exchange;

import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import java.time.Duration;

/**
 * What one attempt at the token endpoint produced: the token, or the failure and how long the
 * server asked to wait before another attempt ({@code Retry-After}, when retryable). Not API.
 */
record AttemptOutcome(ExchangedToken token, TokenExchangeException failure, Duration retryAfter) {
    static AttemptOutcome success(ExchangedToken token) {
        return new AttemptOutcome(token, null, null);
    }

    static AttemptOutcome failure(TokenExchangeException failure, Duration retryAfter) {
        return new AttemptOutcome(null, failure, retryAfter);
    }
}
