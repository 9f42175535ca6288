package dev.baton.internal.exchange;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.ExchangeCacheStats;
import dev.baton.ExchangeEvent.Source;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.internal.Nanos;
import dev.baton.internal.TokenHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * Answers exchange calls: from the cache while a token has more than the skew left, by joining the
 * exchange already in flight for the same key, or by starting one at the token endpoint (always,
 * when the cache is off). Single-flight, expiry and bounds are Caffeine's; Baton adds what
 * Caffeine cannot do per entry: the negative cache of {@code invalid_grant} and refresh-ahead, a
 * background exchange once a set fraction of an entry's life has passed. Not API.
 *
 * <p>A cache hit is reported to Caffeine's eviction policy (a read buffer and, when it fills, a
 * maintenance pass on the caller's thread over the entry's frequency, order and timer) at most once
 * per {@link Flight#REPORT_INTERVAL_NANOS} per entry: an entry read less often has every hit reported, as
 * before; a hot entry read by many threads at once, which would have them all contend on that
 * bookkeeping, has one read a millisecond reported, more than its frequency counter (which stops
 * at 15) can tell apart. The other hits read the entry without the policy
 * ({@link Policy#getIfPresentQuietly}) and are counted here.
 */
final class ExchangeCache {
    private final TokenEndpointCalls calls;
    private final SharedLoads loads;
    private final ExchangeStats stats = new ExchangeStats();
    private final ExchangeAudit audit;
    private final Clock clock;
    private final Duration skew;
    private final double refreshAhead;
    private final AsyncCache<ExchangeKey, Flight> cache;
    private final Cache<ExchangeKey, Denial> denials;
    /** Reads without Caffeine's bookkeeping ({@link Policy#getIfPresentQuietly}). */
    private final Policy<ExchangeKey, Flight> quietly;
    private volatile boolean closed;

    /**
     * @param settings the exchanger's settings
     * @param client the token endpoint client
     * @param audit records the events of background refreshes
     */
    ExchangeCache(ExchangerSettings settings, TokenEndpointClient client, ExchangeAudit audit) {
        this.calls = new TokenEndpointCalls(client, stats);
        this.loads = new SharedLoads(calls, settings.sharedCache(), settings.namespace(), settings.clock(),
                settings.cacheSkew(), settings.deadline());
        this.audit = audit;
        this.clock = settings.clock();
        this.skew = settings.cacheSkew();
        this.refreshAhead = settings.refreshAhead();
        if (!settings.cacheEnabled()) {
            this.cache = null;
            this.denials = null;
            this.quietly = null;
            return;
        }
        Ticker ticker = () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.maximumCacheSize())
                // Saturating and capped at a day: no overflow whatever the expiry says.
                .expireAfter(Expiry.<ExchangeKey, Flight>writing((key, flight) ->
                        Duration.ofNanos(Nanos.untilCapped(clock.instant(), flight.staleAt()))))
                .ticker(ticker)
                // Maintenance (eviction, statistics) on the caller's thread: no hidden pool, deterministic.
                .executor(Runnable::run)
                .recordStats(() -> stats)
                .buildAsync();
        this.quietly = cache.synchronous().policy();
        this.denials = settings.negativeCacheTtl().isZero() ? null : Caffeine.newBuilder()
                .maximumSize(settings.maximumCacheSize())
                .expireAfterWrite(settings.negativeCacheTtl())
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /**
     * The answer to one call; the future never completes exceptionally.
     *
     * @param request what is asked
     * @param subject the hash of its subject token
     * @param here where a miss's first request may be handed for the caller to send, or {@code null}
     */
    CompletableFuture<Served> serve(ExchangeRequest request, TokenHash subject, CallerSend here) {
        if (cache == null) {
            stats.recordMisses(1);
            return calls.start(request, here).handle((token, error) -> Served.of(token, error, Source.TOKEN_ENDPOINT));
        }
        ExchangeKey key = ExchangeKey.of(request, subject);
        Denial denied = denials == null ? null : denials.getIfPresent(key);
        if (denied != null) {
            stats.recordHits(1);
            return CompletableFuture.completedFuture(new Served(null, denied.failure(), Source.CACHE));
        }
        Served hit = quietHit(key, request, subject);
        if (hit != null) {
            return CompletableFuture.completedFuture(hit);
        }
        Load load = new Load(request, here);
        // Caffeine counts a miss when load ran for this call, a hit otherwise.
        Flight flight = (Flight) cache.get(key, load);
        if (load.started) {
            // TOKEN_ENDPOINT, or SHARED_CACHE when the fleet's shared cache had the token.
            return flight.answer(null);
        }
        Instant now = clock.instant();
        if (!flight.servableAt(now)) {
            // In flight, or finishing at this very moment (then even a failure, or a token already
            // inside the skew, is shared with this call as with any call that joined a moment earlier).
            return flight.answer(Source.JOINED);
        }
        maybeRefresh(key, flight, now, request, subject);
        return CompletableFuture.completedFuture(new Served(flight.token(), null, Source.CACHE));
    }

    /**
     * The answer from a cached token that can still be served, read without Caffeine's bookkeeping
     * and counted as a hit here; {@code null} when the lookup is Caffeine's to make: nothing cached,
     * an exchange in flight, a token at its end, or a hit due to be reported to the eviction policy.
     */
    private Served quietHit(ExchangeKey key, ExchangeRequest request, TokenHash subject) {
        Flight cached = quietly.getIfPresentQuietly(key);
        if (cached == null || !cached.quietRead()) {
            return null;
        }
        Instant now = clock.instant();
        if (!cached.servableAt(now)) {
            return null;
        }
        stats.recordHits(1);
        maybeRefresh(key, cached, now, request, subject);
        return new Served(cached.token(), null, Source.CACHE);
    }

    /**
     * Drops the cached token (and remembered refusal) for this request, if any, here and in the
     * fleet's shared cache; with {@code rejectedAccessToken}, only an entry holding that token.
     */
    void invalidate(ExchangeRequest request, TokenHash subject, String rejectedAccessToken) {
        if (cache == null) {
            return;
        }
        // The shared entry first: a local miss right after this must not read it back.
        loads.invalidate(request, rejectedAccessToken);
        ExchangeKey key = ExchangeKey.of(request, subject);
        if (rejectedAccessToken == null) {
            cache.synchronous().invalidate(key);
        } else {
            CompletableFuture<Flight> flight = cache.getIfPresent(key);
            Flight entry = flight instanceof Flight f ? f.settled() : null;
            if (entry != null && entry.token().accessToken().equals(rejectedAccessToken)) {
                cache.asMap().remove(key, flight);
            }
        }
        if (denials != null) {
            denials.invalidate(key);
        }
    }

    /** The counters so far, and the number of cached tokens. */
    ExchangeCacheStats stats() {
        if (cache == null) {
            return stats.toExchangeCacheStats(0);
        }
        // Let Caffeine run pending expirations so evictions are counted and the size is current.
        cache.synchronous().cleanUp();
        return stats.toExchangeCacheStats(cache.synchronous().estimatedSize());
    }

    /**
     * Fails the exchanges still in flight, cancels refresh-ahead work and drops the cached tokens.
     * The counters stay readable.
     */
    void close() {
        closed = true;
        calls.close();
        if (cache != null) {
            cache.synchronous().invalidateAll();
        }
    }

    private Flight start(ExchangeRequest request, ExchangeKey key, CallerSend here) {
        Flight flight = new Flight();
        loads.load(request, here).whenComplete((loaded, error) -> {
            if (error == null) {
                hold(flight, loaded.token(), loaded.exchangedAt(), request);
                flight.finish(null, SharedLoads.sourceOf(loaded));
            } else {
                TokenExchangeException failure = Served.failureOf(error);
                remember(key, failure);
                flight.finish(failure, Source.TOKEN_ENDPOINT);
            }
        });
        return flight;
    }

    private void maybeRefresh(ExchangeKey key, Flight current, Instant now, ExchangeRequest request,
            TokenHash subject) {
        if (!current.claimRefresh(now)) {
            return;
        }
        // One background exchange; callers keep getting the current token until it replaces it.
        // It is audited like any exchange (its own event and latency), so every call to the token
        // endpoint leaves an event.
        // With a shared cache, once per fleet: a fresher shared entry is adopted without a call,
        // and a replica that finds another refreshing leaves its entry for a later read to retry.
        long start = System.nanoTime();
        stats.refreshStarted();
        loads.refresh(request, current.staleAt()).whenComplete((loaded, error) -> {
            if (closed) {
                return;
            }
            if (error == null && loaded == null) {
                current.refreshFailed();
                return;
            }
            Served served = Served.of(loaded == null ? null : loaded.token(), error,
                    loaded == null ? Source.TOKEN_ENDPOINT : SharedLoads.sourceOf(loaded));
            if (served.source() == Source.TOKEN_ENDPOINT) {
                audit.record(request, subject, served, start);
            }
            if (loaded != null) {
                Flight replacement = new Flight();
                hold(replacement, loaded.token(), loaded.exchangedAt(), request);
                replacement.finish(null, Source.TOKEN_ENDPOINT);
                cache.asMap().replace(key, current, replacement);
            } else {
                remember(key, served.failure());
                current.refreshFailed();
            }
        });
    }

    private void remember(ExchangeKey key, TokenExchangeException failure) {
        if (denials != null && "invalid_grant".equals(failure.error())) {
            denials.put(key, new Denial(failure.getMessage(), failure.error(), failure.errorDescription(),
                    failure.httpStatus()));
        }
    }

    /**
     * Puts {@code token}, obtained from the token endpoint at {@code created}, into {@code flight},
     * with when it stops being served and when to refresh it.
     */
    private void hold(Flight flight, ExchangedToken token, Instant created, ExchangeRequest request) {
        Instant subjectExpiry = SubjectExpiry.of(request);
        boolean boundBySubject = EntryLifetime.boundBySubject(token, subjectExpiry);
        Instant staleAt = EntryLifetime.staleAt(token, subjectExpiry, skew);
        Instant refreshAt = null;
        // When the subject token's expiry is the bound, a new exchange for the same subject token
        // cannot extend the entry: refreshing would only call the token endpoint again and again.
        if (refreshAhead > 0 && !boundBySubject && staleAt.isAfter(created)) {
            long lifeMillis = Duration.between(created, staleAt).toMillis();
            refreshAt = created.plusMillis((long) (lifeMillis * refreshAhead));
        }
        flight.hold(token, staleAt, refreshAt);
    }

    /** Caffeine's mapping function for one call: it runs only for the call that starts the exchange. */
    private final class Load implements BiFunction<ExchangeKey, Executor, CompletableFuture<Flight>> {
        private final ExchangeRequest request;
        private final CallerSend here;
        private boolean started;

        Load(ExchangeRequest request, CallerSend here) {
            this.request = request;
            this.here = here;
        }

        @Override
        public CompletableFuture<Flight> apply(ExchangeKey key, Executor executor) {
            started = true;
            // Inside Caffeine's compute: the request is only built here, and sent once this returns.
            return start(request, key, here);
        }
    }

    /** A remembered {@code invalid_grant}: the exception's fields, without its stack trace. */
    private record Denial(String message, String error, String description, int status) {
        TokenExchangeException failure() {
            return new TokenExchangeException(message + " (remembered for a short time)", error, description, status,
                    false, null);
        }
    }
}
