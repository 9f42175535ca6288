package dev.baton.internal;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Baton's own timer for deadlines and retry backoffs. One daemon thread ({@code baton-timer})
 * does nothing but fire: every due task runs on a small daemon pool ({@code baton-async-N}), so a
 * caller's callback that blocks can never hold up another exchange's deadline, and the JDK's
 * single shared {@code CompletableFuture.delayedExecutor} thread is not used at all. Cancelled
 * tasks are removed at once, so nothing they reference outlives its exchange. Not API.
 */
public final class Timers {
    /** Threads of the pool that runs due tasks; beyond it, tasks run on the common pool. */
    static final int MAX_ASYNC_THREADS = 64;

    private static final ScheduledThreadPoolExecutor TIMER;
    private static final ThreadPoolExecutor ASYNC;

    static {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("baton-timer"));
        timer.setRemoveOnCancelPolicy(true);
        TIMER = timer;
        ASYNC = new ThreadPoolExecutor(0, MAX_ASYNC_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("baton-async"), (task, pool) -> ForkJoinPool.commonPool().execute(task));
    }

    private Timers() {
    }

    /**
     * Runs {@code task} on the async pool once {@code delay} has passed, never on the timer thread.
     * Cancelling the returned future before then drops the task (and what it references).
     */
    public static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return schedule(delay.toNanos(), task);
    }

    /** As {@link #schedule(Duration, Runnable)}, with the delay in nanoseconds. */
    public static ScheduledFuture<?> schedule(long delayNanos, Runnable task) {
        return TIMER.schedule(() -> ASYNC.execute(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** The pool due tasks run on: never the timer thread. */
    public static Executor async() {
        return ASYNC;
    }

    /** The delays, in nanoseconds, of the tasks still waiting on the timer (for tests). */
    static long[] pendingDelaysNanos() {
        return TIMER.getQueue().stream()
                .mapToLong(r -> ((java.util.concurrent.Delayed) r).getDelay(TimeUnit.NANOSECONDS)).toArray();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name.equals("baton-timer") ? name : name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
