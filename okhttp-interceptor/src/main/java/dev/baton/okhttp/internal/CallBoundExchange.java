package dev.baton.okhttp.internal;

import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.internal.Endpoints;
import dev.baton.internal.TokenSyntax;
import dev.baton.okhttp.TokenExchangeIOException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okio.Timeout;

/**
 * The exchanged token for one OkHttp call: obtained within the call's lifetime and checked to be
 * sendable as a Bearer or DPoP token. Not API.
 *
 * <p>A call must not outlive its timeout waiting for the token endpoint, and a canceled call must
 * stop waiting at once. {@link TokenExchanger#exchange(ExchangeRequest, java.time.Duration)} bounds
 * the wait, but only an interrupt ends it early, and {@link Call#cancel()} interrupts no thread. So
 * this waits on {@link TokenExchanger#exchangeAsync}'s future, with an {@link EventListener} added to
 * the call ({@link Call#addEventListener}) that cancels the future when the call is canceled: by the
 * caller, or by OkHttp when the call timeout fires. Cancelling that future ends only this wait; the
 * exchange goes on for other callers sharing it and, if it succeeds, fills the exchanger's cache for
 * the next call.
 */
public final class CallBoundExchange {
    private CallBoundExchange() {
    }

    /**
     * The exchanged token to send for {@code request} on {@code route}.
     *
     * <p>A token already in the exchanger's cache is returned without touching the call. Otherwise
     * the wait ends when the call is canceled or its timeout fires ({@code IOException} "Canceled",
     * which OkHttp reports as an {@link InterruptedIOException} "timeout" when the timeout caused
     * it); when the call timeout (or, without one, the read timeout) and any deadline set on
     * {@link Call#timeout()} pass ({@link InterruptedIOException}); or when the thread is interrupted
     * ({@link InterruptedIOException}, the interrupt flag kept).
     *
     * @return the token: a Bearer token (RFC 6749 §7.1) or a DPoP-bound one (RFC 9449 §5), its
     *     value made only of RFC 6750 §2.1 {@code b64token} characters, so it can neither be sent as
     *     the wrong kind of token nor break the header it goes into
     * @throws TokenExchangeIOException if the exchange failed or issued a token that cannot be sent
     * @throws IOException if the wait ended first, as above
     */
    public static ExchangedToken token(TokenExchanger exchanger, ExchangeRequest request, Interceptor.Chain chain,
            Route route) throws IOException {
        CompletableFuture<ExchangedToken> future;
        try {
            future = exchanger.exchangeAsync(request);
        } catch (RuntimeException e) {
            throw failure(route, e);
        }
        return usable(future.isDone() ? completed(future, route) : await(future, chain, route), route);
    }

    private static ExchangedToken completed(CompletableFuture<ExchangedToken> future, Route route)
            throws TokenExchangeIOException {
        try {
            return future.join();
        } catch (CompletionException | CancellationException e) {
            throw failure(route, e.getCause() == null ? e : e.getCause());
        }
    }

    private static ExchangedToken await(CompletableFuture<ExchangedToken> future, Interceptor.Chain chain, Route route)
            throws IOException {
        Call call = chain.call();
        long budget = budgetNanos(chain);
        CancelOnCallCanceled listener = new CancelOnCallCanceled(future);
        call.addEventListener(listener);
        try {
            if (call.isCanceled()) {
                // Canceled before the listener was added: it will never be told.
                future.cancel(false);
            }
            return budget == Long.MAX_VALUE ? future.get() : future.get(budget, TimeUnit.NANOSECONDS);
        } catch (CancellationException e) {
            throw new IOException("Canceled");
        } catch (TimeoutException e) {
            throw new InterruptedIOException("the token exchange for route " + route
                    + " did not complete within the call's timeout; the request was not sent");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the token exchange for route " + route);
        } catch (ExecutionException e) {
            throw failure(route, e.getCause() == null ? e : e.getCause());
        } finally {
            // Ends this call's interest only (a no-op once completed); the exchange itself goes on.
            future.cancel(false);
            listener.release();
        }
    }

    /**
     * How long the call may still wait, in nanoseconds; {@link Long#MAX_VALUE} for no limit. The
     * call timeout (else the read timeout, as for a call without one OkHttp bounds each read), and
     * the deadline of {@link Call#timeout()} when one is set. The call timeout counts from the start
     * of the call, which OkHttp does not expose: this bound counts from now, and the earlier end is
     * the cancellation OkHttp itself performs when the call timeout fires.
     */
    private static long budgetNanos(Interceptor.Chain chain) {
        Timeout timeout = chain.call().timeout();
        long budget = timeout.timeoutNanos();
        if (budget <= 0) {
            budget = TimeUnit.MILLISECONDS.toNanos(chain.readTimeoutMillis());
        }
        if (budget <= 0) {
            budget = Long.MAX_VALUE;
        }
        if (timeout.hasDeadline()) {
            budget = Math.min(budget, Math.max(0, timeout.deadlineNanoTime() - System.nanoTime()));
        }
        return budget;
    }

    private static ExchangedToken usable(ExchangedToken token, Route route) throws TokenExchangeIOException {
        if (!token.isBearer() && !token.isDPoPBound()) {
            throw failure(route, new TokenExchangeException("the token endpoint issued token_type "
                    + Endpoints.printable(token.tokenType(), 32) + ", which is never sent as a Bearer token "
                    + "(RFC 6749 section 7.1)", null, null, 0, false, null));
        }
        String value = token.accessToken();
        if (!TokenSyntax.isB64Token(value)) {
            throw failure(route, new TokenExchangeException("the issued access_token is not an RFC 6750 section 2.1 "
                    + "b64token and cannot be sent in a header", null, null, 0, false, null));
        }
        return token;
    }

    private static TokenExchangeIOException failure(Route route, Throwable cause) {
        Throwable c = cause;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        TokenExchangeException exchangeException = c instanceof TokenExchangeException tee ? tee
                : new TokenExchangeException("the token exchange failed unexpectedly: " + c.getClass().getName(),
                        null, null, 0, false, c);
        String error = exchangeException.error() == null ? "" : " (error " + exchangeException.error() + ")";
        return new TokenExchangeIOException("token exchange for route " + route + " failed" + error + ": "
                + exchangeException.getMessage() + "; the request was not sent", exchangeException);
    }

    /**
     * Cancels the awaited future when the call is canceled. OkHttp offers no way to remove a
     * listener from a call, so {@link #release()} drops the future once the wait is over: a later
     * cancellation is then a no-op, and the call does not keep the token reachable.
     */
    private static final class CancelOnCallCanceled extends EventListener {
        private volatile CompletableFuture<?> future;

        CancelOnCallCanceled(CompletableFuture<?> future) {
            this.future = future;
        }

        @Override
        public void canceled(Call call) {
            CompletableFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }

        void release() {
            future = null;
        }
    }
}
