package dev.baton;

/**
 * A snapshot of a {@link TokenExchanger}'s cache counters, from {@link TokenExchanger#cacheStats()}.
 * Counters only grow (all but {@link #size()}, the cache's current size); compare two snapshots to
 * get rates.
 *
 * <pre>{@code
 * ExchangeCacheStats s = exchanger.cacheStats();
 * log.info("exchange cache: hit rate {}, {} token endpoint calls, {} failed",
 *     s.hitRate(), s.loads() + s.loadFailures(), s.loadFailures());
 * }</pre>
 *
 * @param hits exchange calls answered without calling the token endpoint themselves: served from the
 *     cache (a remembered {@code invalid_grant} included), or joined an exchange already in flight for
 *     the same key ({@link ExchangeEvent.Source#CACHE} and {@link ExchangeEvent.Source#JOINED} events)
 * @param misses exchange calls that started a token endpoint exchange (every call when the cache is off)
 * @param loads token endpoint exchanges that produced a token (one per exchange, however many retries it
 *     took; background refreshes included)
 * @param loadFailures token endpoint exchanges that failed (after their retries, or ended by
 *     {@link TokenExchanger#close()})
 * @param evictions entries removed because the cache was full or they expired; not counting
 *     {@link TokenExchanger#invalidate(ExchangeRequest)}
 * @param refreshes background refresh-ahead exchanges started ({@link TokenExchanger.Builder#refreshAhead(double)});
 *     each is also one of the {@code loads} or {@code loadFailures} once it ends
 * @param size the entries in the cache when the snapshot was taken: exchanged tokens, and exchanges in
 *     flight (0 with the cache off)
 */
public record ExchangeCacheStats(long hits, long misses, long loads, long loadFailures, long evictions,
        long refreshes, long size) {

    /** The counters without refresh-ahead and size (both 0), as they were before those were added. */
    public ExchangeCacheStats(long hits, long misses, long loads, long loadFailures, long evictions) {
        this(hits, misses, loads, loadFailures, evictions, 0, 0);
    }

    /** Hits over all calls, between 0 and 1; 1 when there was no call yet. */
    public double hitRate() {
        long total = hits + misses;
        return total == 0 ? 1.0 : (double) hits / total;
    }
}
