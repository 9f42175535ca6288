package dev.baton.internal.exchange;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The first request of a cache-miss exchange, handed back to the caller of a blocking exchange so
 * that it sends the request on its own thread once the exchange is set up (the cache entry in
 * place, outside Caffeine's compute), instead of waiting for another thread to send it and to wake
 * it with the answer. Each hand-off to another thread and back costs a wake-up, which on a quiet
 * virtual machine took longer than Baton's whole work for the call (benchmarks/RESULTS.md, row 5).
 *
 * <p>Only the exchange's first attempt can be handed back, and only until the caller {@linkplain
 * #run runs} it: an attempt that comes later (a retry, an exchange started by another thread) is
 * sent as before. Not API.
 */
final class CallerSend extends AtomicReference<Runnable> {
    private static final long serialVersionUID = 1L;
    private static final Runnable CLOSED = () -> { };

    /**
     * Takes {@code request} for the caller to send; {@code false} when it must be sent otherwise
     * (one was taken already, or the caller has run what it took).
     */
    boolean defer(Runnable request) {
        return compareAndSet(null, request);
    }

    /** Runs the request taken, if any, on this thread; after this, nothing more is taken. */
    void run() {
        Runnable request = getAndSet(CLOSED);
        if (request != null && request != CLOSED) {
            request.run();
        }
    }
}
