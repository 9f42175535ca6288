package dev.baton.internal.exchange;

import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way an exchanger reaches its token endpoint: each exchange is counted when it ends, and
 * the exchanges still running when the exchanger closes fail at once, so no caller waits on a
 * closed exchanger and no background refresh lands in its cache afterwards. Not API.
 */
final class TokenEndpointCalls {
    private final TokenEndpointClient client;
    private final ExchangeStats stats;
    private final Set<CompletableFuture<ExchangedToken>> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    TokenEndpointCalls(TokenEndpointClient client, ExchangeStats stats) {
        this.client = client;
        this.stats = stats;
    }

    /**
     * Starts one exchange; completes as {@link TokenEndpointClient#exchange} does, a failure
     * possibly wrapped in a {@link java.util.concurrent.CompletionException}.
     */
    CompletableFuture<ExchangedToken> start(ExchangeRequest request, CallerSend here) {
        long start = System.nanoTime();
        CompletableFuture<ExchangedToken> call = client.exchange(request, here);
        running.add(call);
        if (closed) {
            // close() ran between the caller's check and now: this one ends with the others.
            call.completeExceptionally(closedFailure());
        }
        // Counted before anyone is answered: a caller reading the counters afterwards sees this exchange.
        return call.whenComplete((token, error) -> {
            running.remove(call);
            stats.exchanged(error == null, System.nanoTime() - start);
        });
    }

    /** Fails every exchange still running; the client then makes no further attempt for them. */
    void close() {
        closed = true;
        for (CompletableFuture<ExchangedToken> call : running) {
            call.completeExceptionally(closedFailure());
        }
    }

    private static TokenExchangeException closedFailure() {
        return new TokenExchangeException("the token exchanger was closed", null, null, 0, false, null);
    }
}
