package dev.baton.internal;

import java.time.Duration;
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
 * tasks are removed at once, so nothing they reference outlives its exchange.
 *
 * <p>The threads live while something needs them: every validator and exchanger holds a
 * {@linkplain #lease() lease} from its construction to its {@code close()}, and when the last
 * lease is released the threads stop (so an application redeployed in a servlet container leaves
 * none behind). Scheduling without a lease still works and starts the threads again. Not API.
 */
public final class Timers {
    /** Threads of the pool that runs due tasks; beyond it, tasks run on the common pool. */
    static final int MAX_ASYNC_THREADS = 64;
    /** How long an idle worker of that pool waits for a task before it ends. */
    static final long ASYNC_KEEP_ALIVE_SECONDS = 3;

    private static final Object LOCK = new Object();
    private static Pools pools;
    private static int leases;

    private Timers() {
    }

    /** The timer thread and the pool it hands due tasks to. */
    private record Pools(ScheduledThreadPoolExecutor timer, ThreadPoolExecutor async) {
        static Pools start() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("baton-timer"));
            timer.setRemoveOnCancelPolicy(true);
            // Idle workers end after a few seconds: due tasks are rare (deadlines that fire, retry
            // backoffs), so keeping threads around would only leave them idle in the application.
            ThreadPoolExecutor async = new ThreadPoolExecutor(0, MAX_ASYNC_THREADS, ASYNC_KEEP_ALIVE_SECONDS,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemon("baton-async"),
                    (task, pool) -> ForkJoinPool.commonPool().execute(task));
            return new Pools(timer, async);
        }

        void stop() {
            for (Runnable dropped : timer.shutdownNow()) {
                // Marked cancelled, so whoever holds its future (Deadlines) sees it will never run.
                ((java.util.concurrent.Future<?>) dropped).cancel(false);
            }
            async.shutdown();
        }
    }

    private static Pools pools() {
        synchronized (LOCK) {
            if (pools == null) {
                pools = Pools.start();
            }
            return pools;
        }
    }

    /**
     * Keeps the timer threads alive until the returned lease is closed. Closing a lease twice has no
     * further effect.
     */
    public static AutoCloseable lease() {
        synchronized (LOCK) {
            leases++;
        }
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            synchronized (LOCK) {
                leases--;
            }
            stopIfUnused();
        };
    }

    /**
     * Stops the threads when no lease holds them and no call to an authorization server is still
     * watched by {@link Deadlines}: a call in flight keeps its deadline even when its owner closed
     * meanwhile (Deadlines calls this again once its last watch has ended). Other pending tasks
     * (backoffs, shared-cache timeouts) belong to closed owners and are dropped.
     */
    static void stopIfUnused() {
        synchronized (LOCK) {
            if (leases != 0 || pools == null || !Deadlines.idle()) {
                return;
            }
            pools.stop();
            pools = null;
        }
        // A watch that arrived while the threads stopped lost its task with them: arm it afresh
        // (outside LOCK: Deadlines schedules while holding its own lock).
        Deadlines.rearm();
    }

    /** Runs {@code task} on the async pool now, never on the calling thread. */
    static void execute(Runnable task) {
        try {
            pools().async().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stoppedMeanwhile) {
            pools().async().execute(task);
        }
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
        Pools p = pools();
        try {
            return p.timer().schedule(() -> p.async().execute(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stoppedMeanwhile) {
            // The last lease was released between pools() and schedule(): start afresh.
            Pools fresh = pools();
            return fresh.timer().schedule(() -> fresh.async().execute(task), Math.max(0, delayNanos),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** The delays, in nanoseconds, of the tasks still waiting on the timer (for tests). */
    static long[] pendingDelaysNanos() {
        return pools().timer().getQueue().stream()
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
