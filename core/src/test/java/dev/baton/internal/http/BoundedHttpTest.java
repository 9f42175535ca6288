package dev.baton.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.EndpointObserver;
import dev.baton.testkit.RecordingEndpointObserver;
import java.io.IOException;
import java.net.URI;
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
    private static final EndpointObserver NONE = EndpointObserver.none();
    private static final EndpointObserver.Endpoint ANY = EndpointObserver.Endpoint.JWKS;

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private HttpRequest get() {
        return HttpRequest.newBuilder(server.url("/x").uri()).GET().build();
    }

    private BoundedHttp.Response send(Duration deadline) throws IOException {
        return BoundedHttp.send(BoundedHttp.newClient(), NONE, ANY, get(), deadline, 1024);
    }

    @Test
    void readsWholeBodyWithinLimits() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"a\":1}").build());

        BoundedHttp.Response r = send(Duration.ofSeconds(5));

        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body())).isEqualTo("{\"a\":1}");
    }

    @Test
    void rejectsBodyLargerThanCapDeclaredInContentLength() {
        server.enqueue(new MockResponse.Builder().body("x".repeat(2048)).build());

        assertThatThrownBy(() -> send(Duration.ofSeconds(5)))
                .isInstanceOf(BoundedHttp.BodyTooLargeException.class);
    }

    @Test
    void rejectsChunkedBodyLargerThanCap() {
        server.enqueue(new MockResponse.Builder().chunkedBody("x".repeat(4096), 256).build());

        assertThatThrownBy(() -> send(Duration.ofSeconds(5)))
                .isInstanceOf(BoundedHttp.BodyTooLargeException.class);
    }

    @Test
    void deadlineCoversABodyTrickledByteByByte() {
        server.enqueue(new MockResponse.Builder().body("x".repeat(100))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS).build());

        assertThatThrownBy(() -> send(Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void asyncDeadlineCoversTheBody() {
        server.enqueue(new MockResponse.Builder().body("x".repeat(100))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS).build());

        assertThatThrownBy(() -> BoundedHttp.sendAsyncBounded(BoundedHttp.newClient(), NONE, ANY, get(),
                Duration.ofMillis(500), 1024).get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void doesNotFollowRedirects() throws Exception {
        server.enqueue(new MockResponse.Builder().code(307).addHeader("Location", "http://127.0.0.2:1/elsewhere").build());

        BoundedHttp.Response r = send(Duration.ofSeconds(5));

        assertThat(r.status()).isEqualTo(307);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void reportsAResponseWithItsStatusOnce() throws Exception {
        RecordingEndpointObserver observer = new RecordingEndpointObserver();
        server.enqueue(new MockResponse.Builder().code(503).body("{}").build());

        BoundedHttp.send(BoundedHttp.newClient(), observer, EndpointObserver.Endpoint.TOKEN, get(),
                Duration.ofSeconds(5), 1024);

        assertThat(observer.calls()).singleElement().isEqualTo(new RecordingEndpointObserver.Ended(
                EndpointObserver.Endpoint.TOKEN, server.url("/x").uri(), 503, null, 1));
    }

    @Test
    void reportsABodyOverTheCapAsFailed() {
        RecordingEndpointObserver observer = new RecordingEndpointObserver();
        server.enqueue(new MockResponse.Builder().body("x".repeat(2048)).build());

        assertThatThrownBy(() -> BoundedHttp.send(BoundedHttp.newClient(), observer, ANY, get(),
                Duration.ofSeconds(5), 1024)).isInstanceOf(BoundedHttp.BodyTooLargeException.class);

        assertThat(observer.calls()).singleElement()
                .satisfies(c -> assertThat(c.reason()).isEqualTo("body too large"))
                .satisfies(c -> assertThat(c.endings()).isEqualTo(1));
    }

    @Test
    void reportsTheAsyncDeadlineAsATimeoutOnce() {
        RecordingEndpointObserver observer = new RecordingEndpointObserver();
        server.enqueue(new MockResponse.Builder().body("x".repeat(100))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS).build());

        assertThatThrownBy(() -> BoundedHttp.sendAsyncBounded(BoundedHttp.newClient(), observer, ANY, get(),
                Duration.ofMillis(300), 1024).get()).hasCauseInstanceOf(HttpTimeoutException.class);

        assertThat(observer.calls()).singleElement()
                .satisfies(c -> assertThat(c.reason()).isEqualTo("timeout"))
                .satisfies(c -> assertThat(c.endings()).isEqualTo(1));
    }

    @Test
    void showsTheObserverTheUrlWithoutQueryFragmentOrUserInfo() {
        URI uri = URI.create("https://client:s3cret@as.example.com:8443/oauth2/v1/keys?api_key=k#frag");

        assertThat(BoundedHttp.withoutQuery(uri)).isEqualTo(URI.create("https://as.example.com:8443/oauth2/v1/keys"));
    }

    @Test
    void anObserverThatReturnsNoCallIsIgnored() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{}").build());

        BoundedHttp.Response r = BoundedHttp.send(BoundedHttp.newClient(), (endpoint, uri) -> null, ANY, get(),
                Duration.ofSeconds(5), 1024);

        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void refusesAClientThatFollowsRedirects() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThatThrownBy(() -> BoundedHttp.requireNoRedirects(following))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Redirect.NEVER");
    }
}
