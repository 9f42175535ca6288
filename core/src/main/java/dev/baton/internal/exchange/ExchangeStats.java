package dev.baton.internal.exchange;

import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import dev.baton.ExchangeCacheStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * An exchanger's counters, in Caffeine's own {@link ConcurrentStatsCounter}, fed by Caffeine as
 * the cache's {@link StatsCounter}: Caffeine counts the lookups it makes (a hit for a call served
 * from the cache or joining an exchange in flight, a miss for the call that starts one) and the
 * evictions. Baton records what Caffeine cannot see: the hits read without Caffeine's bookkeeping
 * ({@code ExchangeCache.quietHit}); each token endpoint exchange where it ends
 * ({@link #exchanged}), since Caffeine would count only those started through its lookup and not
 * background refreshes nor the calls made with the cache off; the answers of the negative cache;
 * the calls made with the cache off, each a miss; and the refresh-ahead exchanges started. Not API.
 */
public final class ExchangeStats implements StatsCounter {
    private final ConcurrentStatsCounter counts = new ConcurrentStatsCounter();
    private final LongAdder refreshes = new LongAdder();

    @Override
    public void recordHits(int count) {
        counts.recordHits(count);
    }

    @Override
    public void recordMisses(int count) {
        counts.recordMisses(count);
    }

    /** Ignored: every token endpoint exchange is counted by {@link #exchanged}, this one included. */
    @Override
    public void recordLoadSuccess(long loadTime) {
        // Counted by exchanged(..), which also sees the exchanges Caffeine does not start.
    }

    /** Ignored, as {@link #recordLoadSuccess(long)}. */
    @Override
    public void recordLoadFailure(long loadTime) {
        // Counted by exchanged(..), which also sees the exchanges Caffeine does not start.
    }

    @Override
    public void recordEviction(int weight, RemovalCause cause) {
        counts.recordEviction(weight, cause);
    }

    @Override
    public CacheStats snapshot() {
        return counts.snapshot();
    }

    /** Records one token endpoint exchange that ended after {@code nanos}, with a token or not. */
    void exchanged(boolean succeeded, long nanos) {
        if (succeeded) {
            counts.recordLoadSuccess(nanos);
        } else {
            counts.recordLoadFailure(nanos);
        }
    }

    /** Records one background refresh-ahead exchange started; Caffeine has no notion of it. */
    void refreshStarted() {
        refreshes.increment();
    }

    /** The counters as the public snapshot, with the cache's current {@code size}. */
    ExchangeCacheStats toExchangeCacheStats(long size) {
        CacheStats s = counts.snapshot();
        return new ExchangeCacheStats(s.hitCount(), s.missCount(), s.loadSuccessCount(), s.loadFailureCount(),
                s.evictionCount(), refreshes.sum(), size);
    }
}
