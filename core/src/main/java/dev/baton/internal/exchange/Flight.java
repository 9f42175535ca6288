package dev.baton.internal.exchange;

import dev.baton.ExchangeEvent.Source;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The cache's value for one key: an exchange, shared by every call that finds it, and once it
 * succeeded, the cached token itself. It completes with itself when it holds a token, or with
 * {@code null} when the exchange failed: Caffeine then drops the key quietly (a future failed
 * with an exception would be logged at WARNING for every refused exchange), and the failure is
 * kept here for the calls that joined.
 *
 * <p>One object per cached token: the future Caffeine needs, the token, the instant it stops
 * being served ({@link #staleAt}, which Caffeine's expiry reads), the optional refresh-ahead
 * instant and the refresh claim, and when its next hit is reported to Caffeine's eviction policy
 * ({@link #quietRead}), with no separate entry or {@code AtomicBoolean} beside it
 * (docs/benchmarks.md, heap per cached token). Not API.
 *
 * <p>Calls are answered once the flight has settled, after its completion has run Caffeine's own
 * callback, which sets the expiry from {@link #staleAt} or drops a failure: a caller that asks
 * again at once finds the cache as it will stay, never a token inside the skew or a failure
 * still in place.
 */
final class Flight extends CompletableFuture<Flight> {
    /** The least time between two hits of one entry reported to Caffeine's eviction policy: 1 ms. */
    static final long REPORT_INTERVAL_NANOS = 1_000_000;

    private static final CompletableFuture<Void> SETTLED = CompletableFuture.completedFuture(null);
    private static final AtomicIntegerFieldUpdater<Flight> REFRESHING =
            AtomicIntegerFieldUpdater.newUpdater(Flight.class, "refreshing");

    private volatile CompletableFuture<Void> settled = new CompletableFuture<>();
    private volatile TokenExchangeException failure;
    private volatile Source origin = Source.TOKEN_ENDPOINT;
    // Written once by hold(), before complete(this) publishes them: every reader reaches them
    // through the completed future (or Caffeine's map), which orders the writes before its reads.
    private ExchangedToken token;
    private Instant staleAt;
    private Instant refreshAt;
    /** 1 while a refresh-ahead exchange runs for this token. */
    private volatile int refreshing;
    /**
     * When a hit of this entry is next reported to Caffeine's policy ({@link System#nanoTime()}):
     * the first hit always is. Written only by the reads that report, once a millisecond at most.
     */
    private volatile long reportAt = System.nanoTime();

    /**
     * Whether this read may skip Caffeine's bookkeeping; when it may not, the next report is
     * due {@link #REPORT_INTERVAL_NANOS} later (two threads may both report at that moment).
     */
    boolean quietRead() {
        long now = System.nanoTime();
        if (now - reportAt < 0) {
            return true;
        }
        reportAt = now + REPORT_INTERVAL_NANOS;
        return false;
    }

    /** The token held; read once the flight has settled with one. */
    ExchangedToken token() {
        return token;
    }

    /** The instant the token stops being served; read once the flight has settled with one. */
    Instant staleAt() {
        return staleAt;
    }

    /** The token and its instants; called once, before {@link #finish}. */
    void hold(ExchangedToken token, Instant staleAt, Instant refreshAt) {
        this.token = token;
        this.staleAt = staleAt;
        this.refreshAt = refreshAt;
    }

    /**
     * Completes with the token {@linkplain #hold held}, or with {@code failure}, which came from
     * {@code origin}; then settles.
     */
    void finish(TokenExchangeException failure, Source origin) {
        this.failure = failure;
        this.origin = origin;
        complete(failure == null ? this : null);
        CompletableFuture<Void> waiting = settled;
        // The shared constant from now on: a cached token keeps no future of its own.
        settled = SETTLED;
        waiting.complete(null);
    }

    /** This flight once settled with a token, else {@code null}. */
    Flight settled() {
        return settled.isDone() ? getNow(null) : null;
    }

    /** Whether this flight has settled with a token that {@code now} is still before the end of. */
    boolean servableAt(Instant now) {
        return settled() != null && now.isBefore(staleAt);
    }

    /**
     * The answer to a call with {@code source}, once settled; {@code null} for the call that
     * started the flight, whose source is where the flight got its answer.
     */
    CompletableFuture<Served> answer(Source source) {
        return settled.thenApply(ignored -> {
            Source s = source != null ? source : origin;
            Flight held = getNow(null);
            return held != null ? new Served(held.token, null, s) : new Served(null, failure, s);
        });
    }

    /** Whether a refresh is due at {@code now} and this caller is the one to start it. */
    boolean claimRefresh(Instant now) {
        return refreshAt != null && !now.isBefore(refreshAt) && REFRESHING.compareAndSet(this, 0, 1);
    }

    /** The refresh failed: a later read may try again. */
    void refreshFailed() {
        refreshing = 0;
    }
}
