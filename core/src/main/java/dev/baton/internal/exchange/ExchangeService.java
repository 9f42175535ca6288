package dev.baton.internal.exchange;

import dev.baton.ExchangeCacheStats;
import dev.baton.ExchangeEvent;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.internal.Nanos;
import dev.baton.internal.Timers;
import dev.baton.internal.TokenHash;
import dev.baton.internal.discovery.LazyMetadata;
import dev.baton.internal.http.BoundedHttp;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The working part of one {@code TokenExchanger}: wires the token endpoint (configured or
 * discovered), its client, the cache and the audit from the settings, and owns what the exchanger
 * must release on close: the HTTP client it created when the user gave none, and a lease on Baton's
 * timer threads. Not API.
 */
public final class ExchangeService {
    private final ExchangeCache cache;
    private final ExchangeAudit audit;
    private final HttpClient ownHttpClient;
    private final AutoCloseable timerLease;
    private final long deadlineNanos;

    /** Takes a timer lease and, when {@code settings} name no HTTP client, creates one. */
    public ExchangeService(ExchangerSettings settings) {
        this.timerLease = Timers.lease();
        this.deadlineNanos = Nanos.saturated(settings.deadline());
        this.ownHttpClient = settings.httpClient() == null ? BoundedHttp.newClient() : null;
        HttpClient http = ownHttpClient != null ? ownHttpClient : settings.httpClient();
        // Discovery gets a third of the deadline per request (at most three), so it never outlasts
        // the exchange it serves; a failed discovery is tried again by the next exchange.
        TokenEndpoint endpoint = settings.tokenEndpoint() != null ? TokenEndpoint.fixed(settings.tokenEndpoint())
                : TokenEndpoint.discovered(new LazyMetadata(http, settings.endpointObserver(), settings.issuer(),
                        settings.clock(), settings.deadline().dividedBy(3), Duration.ZERO, TokenEndpoint.ACCEPTANCE));
        TokenEndpointClient client = new TokenEndpointClient(endpoint, settings.credentials(), http,
                settings.endpointObserver(), settings.deadline(), settings.retry(), settings.maxResponseBytes(),
                settings.defaultTokenLifetime(), settings.maxTokenLifetime(), settings.clock(), settings.dpop());
        this.audit = new ExchangeAudit(settings.audit(), settings.credentials().clientId(), settings.clock());
        this.cache = new ExchangeCache(settings, client, audit);
    }

    /**
     * One exchange call, audited once it is answered, even when the caller has stopped waiting; the
     * future fails only with a {@code TokenExchangeException}.
     *
     * @param request what is asked
     * @param subject the hash of its subject token
     */
    public CompletableFuture<ExchangedToken> exchange(ExchangeRequest request, TokenHash subject) {
        return exchange(request, subject, null);
    }

    /**
     * One blocking exchange call: as {@link #exchange(ExchangeRequest, TokenHash)} followed by
     * {@link #await}. When this call starts an exchange at the token endpoint and may wait at least
     * the exchange's deadline, it sends the first request on its own thread ({@link CallerSend}),
     * which the deadline bounds as it bounds the wait; a shorter {@code maxWait} leaves the sending to
     * Baton's threads, so that this caller can stop waiting while the exchange goes on.
     */
    public ExchangedToken exchangeAndWait(ExchangeRequest request, TokenHash subject, Duration maxWait)
            throws TokenExchangeException {
        if (Nanos.saturated(maxWait) < deadlineNanos) {
            return await(exchange(request, subject, null), maxWait);
        }
        CallerSend here = new CallerSend();
        CompletableFuture<ExchangedToken> answer;
        try {
            answer = exchange(request, subject, here);
        } finally {
            // Also when setting up failed after the request was handed over: others may have joined.
            here.run();
        }
        return await(answer, maxWait);
    }

    private CompletableFuture<ExchangedToken> exchange(ExchangeRequest request, TokenHash subject, CallerSend here) {
        long start = System.nanoTime();
        CompletableFuture<Served> served;
        try {
            served = cache.serve(request, subject, here);
        } catch (RuntimeException e) {
            served = CompletableFuture.completedFuture(Served.of(null, e, ExchangeEvent.Source.TOKEN_ENDPOINT));
        }
        // Audited on the answer itself, not on the caller's future: a caller that stops waiting
        // (maxWait, cancel, interrupt) cancels only its own view, and the call is still audited.
        CompletableFuture<Served> audited = served.whenComplete((s, e) -> {
            if (s != null) {
                audit.record(request, subject, s, start);
            }
        });
        return audited.thenCompose(Served::toFuture);
    }

    /**
     * Waits at most {@code maxWait} (zero or negative: not at all) for {@code future}, an exchange
     * call's answer. At the end of the wait this caller gets a retryable failure and its future is
     * cancelled, which leaves the exchange itself running for whoever shares it.
     *
     * @throws TokenExchangeException the exchange's failure, or a retryable one when the wait ran
     *     out or the thread was interrupted (its interrupt flag is kept)
     */
    public static ExchangedToken await(CompletableFuture<ExchangedToken> future, Duration maxWait)
            throws TokenExchangeException {
        try {
            if (future.isDone()) {
                return future.join();
            }
            return future.get(Math.max(0, Nanos.saturated(maxWait)), TimeUnit.NANOSECONDS);
        } catch (CompletionException | ExecutionException e) {
            throw Served.failureOf(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new TokenExchangeException("no token within " + maxWait.toMillis() + " ms", null, null, 0, true,
                    null);
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new TokenExchangeException("interrupted while waiting for the token exchange", null, null, 0, true,
                    null);
        }
    }

    /**
     * Drops the cached token for this request, if any, here and in the shared cache; with
     * {@code rejectedAccessToken}, only an entry holding that token.
     */
    public void invalidate(ExchangeRequest request, TokenHash subject, String rejectedAccessToken) {
        cache.invalidate(request, subject, rejectedAccessToken);
    }

    /** The counters so far. */
    public ExchangeCacheStats stats() {
        return cache.stats();
    }

    /**
     * Ends pending work ({@link ExchangeCache#close()}), releases the HTTP client created here
     * (never the user's) and the timer lease. Call once.
     */
    public void close() {
        cache.close();
        if (ownHttpClient != null) {
            BoundedHttp.close(ownHttpClient);
        }
        try {
            timerLease.close();
        } catch (Exception e) {
            // Declared by AutoCloseable only: releasing a timer lease throws nothing.
            throw new IllegalStateException("cannot release the timer lease", e);
        }
    }
}
