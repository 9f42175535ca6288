package dev.baton.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    @Test
    void aWatchExpiresOnceItsDeadlineHasPassedAndNotBefore() throws Exception {
        CountDownLatch expired = new CountDownLatch(1);
        AtomicLong expiredAt = new AtomicLong();
        long start = System.nanoTime();

        Deadlines.watch(Duration.ofMillis(200), () -> {
            expiredAt.set(System.nanoTime());
            expired.countDown();
        });

        assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(expiredAt.get() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    }

    @Test
    void aCancelledWatchNeverExpires() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch later = new CountDownLatch(1);

        Deadlines.watch(Duration.ofMillis(50), runs::incrementAndGet).cancel();
        Deadlines.watch(Duration.ofMillis(150), later::countDown);

        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runs).hasValue(0);
    }

    @Test
    void aShortDeadlineWatchedAfterALongOneExpiresAtItsOwnTime() throws Exception {
        CountDownLatch shortOne = new CountDownLatch(1);
        Deadlines.Watch longOne = Deadlines.watch(Duration.ofMinutes(7), () -> { });
        try {
            long start = System.nanoTime();

            Deadlines.watch(Duration.ofMillis(100), shortOne::countDown);

            assertThat(shortOne.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            longOne.cancel();
        }
    }

    @Test
    void aSlowExpiryDoesNotHoldUpAnotherDeadline() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch releaseSlow = new CountDownLatch(1);
        CountDownLatch other = new CountDownLatch(1);
        try {
            Deadlines.watch(Duration.ofMillis(50), () -> {
                slowStarted.countDown();
                try {
                    releaseSlow.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Deadlines.watch(Duration.ofMillis(60), other::countDown);

            assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
            // The first action is still blocked: the second deadline is handled anyway.
            assertThat(other.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            releaseSlow.countDown();
        }
    }

    @Test
    void everyWatchExpiresWhateverTheOrderOfItsDeadlines() throws Exception {
        int n = 50;
        CountDownLatch expired = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            // 300, 20, 290, 30, ... ms: earlier and later deadlines interleaved.
            long ms = i % 2 == 0 ? 300 - i * 5L : 20 + i * 5L;
            Deadlines.watch(Duration.ofMillis(ms), expired::countDown);
        }

        assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void callsWithTheSameDeadlineShareOneTimerTask() {
        // Tasks due in 8 to 9 minutes: no other test schedules any, so these are this test's.
        int before = tasksDueAround(Duration.ofMinutes(8), Duration.ofMinutes(9));
        List<Deadlines.Watch> watches = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                watches.add(Deadlines.watch(Duration.ofMinutes(8).plusMillis(30), () -> { }));
            }

            assertThat(tasksDueAround(Duration.ofMinutes(8), Duration.ofMinutes(9)) - before).isLessThanOrEqualTo(1);
        } finally {
            watches.forEach(Deadlines.Watch::cancel);
        }
        assertThat(Arrays.stream(Deadlines.watchedDelaysNanos()).filter(d -> d > Duration.ofMinutes(7).toNanos()))
                .isEmpty();
    }

    private static int tasksDueAround(Duration from, Duration to) {
        return (int) Arrays.stream(Timers.pendingDelaysNanos())
                .filter(d -> d >= from.toNanos() && d <= to.toNanos()).count();
    }
}
