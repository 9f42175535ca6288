package dev.baton.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class BoundedHttpTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();

    private HttpRequest get() {
        return HttpRequest.newBuilder(server.url("/x").uri()).GET().build();
    }

    @Test
    void readsWholeBodyWithinLimits() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"a\":1}").build());

        BoundedHttp.Response r = BoundedHttp.send(BoundedHttp.newClient(), get(), Duration.ofSeconds(5), 1024);

        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body())).isEqualTo("{\"a\":1}");
    }

    @Test
    void rejectsBodyLargerThanCapDeclaredInContentLength() {
        server.enqueue(new MockResponse.Builder().body("x".repeat(2048)).build());

        assertThatThrownBy(() -> BoundedHttp.send(BoundedHttp.newClient(), get(), Duration.ofSeconds(5), 1024))
                .isInstanceOf(BoundedHttp.BodyTooLargeException.class);
    }

    @Test
    void rejectsChunkedBodyLargerThanCap() {
        server.enqueue(new MockResponse.Builder().chunkedBody("x".repeat(4096), 256).build());

        assertThatThrownBy(() -> BoundedHttp.send(BoundedHttp.newClient(), get(), Duration.ofSeconds(5), 1024))
                .isInstanceOf(BoundedHttp.BodyTooLargeException.class);
    }

    @Test
    void deadlineCoversABodyTrickledByteByByte() {
        server.enqueue(new MockResponse.Builder().body("x".repeat(100))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS).build());

        assertThatThrownBy(() -> BoundedHttp.send(BoundedHttp.newClient(), get(), Duration.ofMillis(500), 1024))
                .isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void asyncDeadlineCoversTheBody() {
        server.enqueue(new MockResponse.Builder().body("x".repeat(100))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS).build());

        assertThatThrownBy(() -> BoundedHttp.sendAsyncBounded(BoundedHttp.newClient(), get(),
                Duration.ofMillis(500), 1024).get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void doesNotFollowRedirects() throws Exception {
        server.enqueue(new MockResponse.Builder().code(307).addHeader("Location", "http://127.0.0.2:1/elsewhere").build());

        BoundedHttp.Response r = BoundedHttp.send(BoundedHttp.newClient(), get(), Duration.ofSeconds(5), 1024);

        assertThat(r.status()).isEqualTo(307);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void refusesAClientThatFollowsRedirects() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThatThrownBy(() -> BoundedHttp.requireNoRedirects(following))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Redirect.NEVER");
    }
}
