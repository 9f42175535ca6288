package dev.baton.redis.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicas' "done" messages, by cache key: a replica waiting for another's exchange registers
 * here before it reads Redis once more, so a message published between that read and the wait is
 * never missed. A message may still be lost (pub/sub is at-most-once, and the connection can drop):
 * every wait is therefore also bounded by the lease, after which the waiter reads and may take over.
 * Holds one entry per key being waited for in this process. Not API.
 */
public final class FilledSignals {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    /** The signal of the next message for {@code id}. */
    CompletableFuture<Void> next(String id) {
        return waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** A waiter of {@code id} gave up on {@code signal}: forgets it unless someone registered anew. */
    void forget(String id, CompletableFuture<Void> signal) {
        waiting.remove(id, signal);
    }

    /** A message for {@code id} arrived: wakes its waiters. */
    public void filled(String id) {
        CompletableFuture<Void> signal = waiting.remove(id);
        if (signal != null) {
            signal.complete(null);
        }
    }

    /** Wakes every waiter (the cache is closing); they then stop using Redis. */
    public void wakeAll() {
        waiting.keySet().forEach(this::filled);
    }

    /** How many keys are waited for (for tests). */
    public int size() {
        return waiting.size();
    }
}
