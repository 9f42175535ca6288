package dev.baton.internal.exchange;

import dev.baton.ExchangeEvent.Source;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.SharedTokenCache;
import dev.baton.SharedTokenCache.Loaded;
import dev.baton.internal.Timers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * How the in-process cache fills a miss: from the token endpoint, or, when the exchanger has a
 * {@link SharedTokenCache}, through it, so a fleet makes one token endpoint call per key. The shared
 * cache can only ever save a token endpoint call, never cost one that succeeds: when it fails, does
 * not answer within the deadline, or answers with a token this exchanger would no longer serve, the
 * exchange runs here (at most once per load, whatever the shared cache did). Not API.
 */
final class SharedLoads {
    private final TokenEndpointCalls calls;
    private final SharedTokenCache shared;
    private final String namespace;
    private final Clock clock;
    private final Duration skew;
    private final Duration deadline;

    /**
     * @param calls the token endpoint
     * @param shared the fleet's shared cache, or {@code null}
     * @param namespace the exchanger's identity in shared keys (token endpoint or issuer, client id)
     * @param clock the clock
     * @param skew the cache skew
     * @param deadline the exchange deadline, which also bounds a shared lookup
     */
    SharedLoads(TokenEndpointCalls calls, SharedTokenCache shared, String namespace, Clock clock, Duration skew,
            Duration deadline) {
        this.calls = calls;
        this.shared = shared;
        this.namespace = namespace;
        this.clock = clock;
        this.skew = skew;
        this.deadline = deadline;
    }

    /** The audit source of a loaded token. */
    static Source sourceOf(Loaded loaded) {
        return loaded.exchangedHere() ? Source.TOKEN_ENDPOINT : Source.SHARED_CACHE;
    }

    /**
     * The token for a local miss; fails only with the token endpoint exchange's own failure. Without
     * a shared cache, the exchange's first request may be handed to {@code here} (see {@link
     * CallerSend}); with one, the shared cache decides when the exchange starts, so it never is.
     */
    CompletableFuture<Loaded> load(ExchangeRequest request, CallerSend here) {
        if (shared == null) {
            return new Exchange(request, here).loaded();
        }
        Exchange exchange = new Exchange(request, null);
        SharedTokenCache.Lookup lookup = lookup(request);
        return guarded(exchange, () -> shared.load(lookup, exchange), lookup, null);
    }

    /**
     * A token to replace a local entry stale at {@code staleAt}; {@code null} when another replica
     * is refreshing it (the local entry stays, and a later read asks again).
     */
    CompletableFuture<Loaded> refresh(ExchangeRequest request, Instant staleAt) {
        Exchange exchange = new Exchange(request, null);
        if (shared == null) {
            return exchange.loaded();
        }
        SharedTokenCache.Lookup lookup = lookup(request);
        return guarded(exchange, () -> shared.refresh(lookup, staleAt, exchange), lookup, staleAt);
    }

    /**
     * Deletes the shared entry, or only the one holding {@code rejectedAccessToken} when given, and
     * waits for it (at most the deadline), so that the exchange that follows an upstream 401 cannot
     * read the rejected token back from the shared cache.
     */
    void invalidate(ExchangeRequest request, String rejectedAccessToken) {
        if (shared == null) {
            return;
        }
        try {
            shared.invalidate(lookup(request), rejectedAccessToken).get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // Best effort by contract: a shared cache that cannot delete is one that is not answering.
        }
    }

    private SharedTokenCache.Lookup lookup(ExchangeRequest request) {
        Instant subjectExpiry = SubjectExpiry.of(request);
        return new SharedTokenCache.Lookup(SharedKey.of(namespace, request), request.subjectToken(), deadline,
                token -> EntryLifetime.staleAt(token, subjectExpiry, skew));
    }

    private CompletableFuture<Loaded> guarded(Exchange exchange, Supplier<CompletableFuture<Loaded>> ask,
            SharedTokenCache.Lookup lookup, Instant replacing) {
        CompletableFuture<Loaded> result = new CompletableFuture<>();
        CompletableFuture<Loaded> answer;
        try {
            answer = ask.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        if (answer == null) {
            answer = CompletableFuture.failedFuture(new IllegalStateException("the shared cache answered null"));
        }
        // The shared cache is bounded by the deadline too: after it, this replica exchanges itself.
        ScheduledFuture<?> timeout = answer.isDone() ? null
                : Timers.schedule(deadline, () -> exchange.loaded().whenComplete((l, e) -> settle(result, l, e)));
        answer.whenComplete((loaded, error) -> {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (error == null && loaded != null && usable(loaded, lookup, replacing)) {
                // Only a token this replica's own exchange produced is audited as a token endpoint call.
                result.complete(new Loaded(loaded.token(), loaded.exchangedAt(),
                        loaded.exchangedHere() && exchange.started()));
            } else if (error == null && replacing != null && !exchange.started()) {
                // Refresh: another replica is refreshing (null), or the shared entry is no fresher
                // than the local one; the local entry stays and a later read asks again.
                result.complete(null);
            } else {
                // The shared cache failed (or this replica's exchange did, whose result loaded()
                // repeats without a second call), broke its contract, or answered with a token
                // this exchanger would not serve: the exchange decides.
                exchange.loaded().whenComplete((l, e) -> settle(result, l, e));
            }
        });
        return result;
    }

    private boolean usable(Loaded loaded, SharedTokenCache.Lookup lookup, Instant replacing) {
        Instant staleAt = lookup.staleAt(loaded.token());
        return staleAt.isAfter(clock.instant()) && (replacing == null || staleAt.isAfter(replacing));
    }

    private static void settle(CompletableFuture<Loaded> result, Loaded loaded, Throwable error) {
        if (error == null) {
            result.complete(loaded);
        } else {
            result.completeExceptionally(error);
        }
    }

    /**
     * This replica's token endpoint exchange for one load, started at most once however often it is
     * asked for: by the shared cache, and by the fallback when the shared cache failed.
     */
    private final class Exchange implements Supplier<CompletableFuture<ExchangedToken>> {
        private final ExchangeRequest request;
        private final CallerSend here;
        private CompletableFuture<ExchangedToken> call;

        Exchange(ExchangeRequest request, CallerSend here) {
            this.request = request;
            this.here = here;
        }

        @Override
        public synchronized CompletableFuture<ExchangedToken> get() {
            if (call == null) {
                call = calls.start(request, here);
            }
            return call;
        }

        synchronized boolean started() {
            return call != null;
        }

        /** The exchange's result, stamped with when it arrived. */
        CompletableFuture<Loaded> loaded() {
            return get().thenApply(token -> new Loaded(token, clock.instant(), true));
        }
    }
}
