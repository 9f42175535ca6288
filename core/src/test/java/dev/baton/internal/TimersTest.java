package dev.baton.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.EndpointObserver;
import dev.baton.internal.http.BoundedHttp;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class TimersTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();

    @Test
    void deadlineTimerIsDroppedWhenTheResponseArrivesInTime() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
        Duration deadline = Duration.ofMinutes(9);

        BoundedHttp.Response r = BoundedHttp.sendAsyncBounded(BoundedHttp.newClient(), EndpointObserver.none(),
                EndpointObserver.Endpoint.JWKS,
                HttpRequest.newBuilder(server.url("/").uri()).GET().build(), deadline, 1024).get(10, TimeUnit.SECONDS);

        assertThat(r.status()).isEqualTo(200);
        // No other test schedules anything this long: a task that long is this exchange's deadline.
        assertThat(Arrays.stream(Timers.pendingDelaysNanos()).filter(d -> d > Duration.ofMinutes(8).toNanos()))
                .isEmpty();
    }

    @Test
    void dueTasksNeverRunOnTheTimerThread() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();

        Timers.schedule(Duration.ofMillis(1), () -> {
            thread.set(Thread.currentThread().getName());
            ran.countDown();
        });

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(thread.get()).startsWith("baton-async-");
    }
}
