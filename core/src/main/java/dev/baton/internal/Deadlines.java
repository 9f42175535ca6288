package dev.baton.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * Ends calls to authorization servers at their deadlines with one timer task for all of them,
 * armed for the earliest deadline being watched. A {@linkplain #watch watch} costs an insert into a
 * concurrent set and a volatile read; it schedules a timer task only when its deadline comes before
 * every deadline already watched, so a steady stream of calls with the same deadline wakes the timer
 * thread about once per deadline, not once per call (a timer task per call woke that thread for every
 * call: benchmarks/RESULTS.md, row 5). A call that ends in time {@linkplain Watch#cancel cancels} its
 * watch, and nothing of it stays referenced.
 *
 * <p>The task fires on Baton's {@link Timers} (never on the timer thread itself), expires every
 * watch that is due (each expiry handed to Baton's async pool), and arms itself for the earliest
 * deadline left. Baton's timer threads do not stop while a call is watched, even when the last
 * validator or exchanger closed: the last sweep stops them once nothing is left. Not API.
 */
public final class Deadlines {
    /** The longest deadline watched; a longer one is watched as this (no overflow of {@code nanoTime}). */
    private static final long MAX_DELAY_NANOS = Duration.ofDays(1).toNanos();

    private static final Set<Watch> WATCHED = ConcurrentHashMap.newKeySet();
    private static final Object LOCK = new Object();
    /** The armed task and the {@code nanoTime} it is due at, or {@code null}; written under {@link #LOCK}. */
    private static volatile Armed armed;

    private Deadlines() {
    }

    /**
     * Runs {@code expire} once {@code deadline} has passed, unless the returned watch is cancelled
     * first. {@code expire} runs on one of Baton's async threads and must not block.
     */
    public static Watch watch(Duration deadline, Runnable expire) {
        long delay = Math.max(0, Math.min(Nanos.saturated(deadline), MAX_DELAY_NANOS));
        Watch w = new Watch(System.nanoTime() + delay, expire);
        // Added before the armed task is read: a sweep that disarms afterwards scans the set after
        // that and finds this watch; one that has not disarmed yet is due no later than this one.
        WATCHED.add(w);
        try {
            arm(w.deadlineAt);
        } catch (RuntimeException | Error e) {
            // No task could be scheduled: the call fails to start, and leaves nothing watched.
            WATCHED.remove(w);
            throw e;
        }
        return w;
    }

    /** Whether no call is watched. */
    static boolean idle() {
        return WATCHED.isEmpty();
    }

    /** Arms a task for the earliest watch, if any: the one armed was dropped with the timer threads. */
    static void rearm() {
        long earliest = 0;
        boolean any = false;
        for (Watch w : WATCHED) {
            if (!any || w.deadlineAt - earliest < 0) {
                earliest = w.deadlineAt;
                any = true;
            }
        }
        if (any) {
            arm(earliest);
        }
    }

    /** The time left, in nanoseconds, of each watch not yet expired or cancelled (for tests). */
    static long[] watchedDelaysNanos() {
        long now = System.nanoTime();
        return WATCHED.stream().mapToLong(w -> w.deadlineAt - now).toArray();
    }

    /** Makes sure a task is armed for {@code at} or earlier. */
    private static void arm(long at) {
        if (coveredBy(armed, at)) {
            return;
        }
        synchronized (LOCK) {
            Armed current = armed;
            if (coveredBy(current, at)) {
                return;
            }
            Armed next = new Armed(at);
            // Scheduled before it is published: if scheduling fails, the task armed before stays.
            // (It cannot run before it is published: sweep() waits for LOCK.)
            next.task = Timers.schedule(at - System.nanoTime(), () -> sweep(next));
            if (current != null) {
                // Superseded by an earlier one, which arms again for whatever is left.
                current.task.cancel(false);
            }
            armed = next;
        }
    }

    /**
     * Whether {@code a} will sweep at or before {@code at}. A task dropped with Baton's timer threads
     * (the last validator or exchanger closed) is cancelled there, so it counts as not armed.
     */
    private static boolean coveredBy(Armed a, long at) {
        return a != null && a.at - at <= 0 && !a.task.isCancelled();
    }

    private static void sweep(Armed mine) {
        synchronized (LOCK) {
            if (armed != mine) {
                // Cancelled too late to stop it: the task armed instead of it is responsible.
                return;
            }
            armed = null;
        }
        long now = System.nanoTime();
        long earliest = 0;
        boolean left = false;
        try {
            for (Watch w : WATCHED) {
                if (w.deadlineAt - now <= 0) {
                    if (WATCHED.remove(w)) {
                        // Each on its own thread of the pool: an action that completes an application's
                        // future runs its callbacks, and a slow one must not hold up the next deadline.
                        Timers.execute(() -> Listeners.safely(w.expire));
                    }
                } else if (!left || w.deadlineAt - earliest < 0) {
                    earliest = w.deadlineAt;
                    left = true;
                }
            }
        } finally {
            if (left) {
                arm(earliest);
            } else {
                // Nothing watched (a watch added since found nothing armed and armed its own task):
                // the timer threads may stop, if no lease holds them either.
                Timers.stopIfUnused();
            }
        }
    }

    /** The armed task; {@link #task} is set before it is published, under {@link #LOCK}. */
    private static final class Armed {
        final long at;
        ScheduledFuture<?> task;

        Armed(long at) {
            this.at = at;
        }
    }

    /** One watched deadline. */
    public static final class Watch {
        private final long deadlineAt;
        private final Runnable expire;

        private Watch(long deadlineAt, Runnable expire) {
            this.deadlineAt = deadlineAt;
            this.expire = expire;
        }

        /** Stops watching: the deadline will not run its action. Cancelling twice is harmless. */
        public void cancel() {
            WATCHED.remove(this);
        }
    }
}
