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
    void aCallAnsweredInTimeLeavesNothingWatchedForItsDeadline() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
        server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
        HttpRequest request = HttpRequest.newBuilder(server.url("/").uri()).GET().build();

        BoundedHttp.Response async = BoundedHttp.sendAsyncBounded(BoundedHttp.newClient(), EndpointObserver.none(),
                EndpointObserver.Endpoint.JWKS, request, Duration.ofMinutes(9), 1024).get(10, TimeUnit.SECONDS);
        BoundedHttp.Response here = BoundedHttp.send(BoundedHttp.newClient(), EndpointObserver.none(),
                EndpointObserver.Endpoint.JWKS, request, Duration.ofMinutes(9), 1024);

        assertThat(async.status()).isEqualTo(200);
        assertThat(here.status()).isEqualTo(200);
        // Nothing of either call stays referenced until its deadline (other tests' calls may be running).
        assertThat(Arrays.stream(Deadlines.watchedDelaysNanos()).filter(d -> d > Duration.ofMinutes(8).toNanos()))
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
