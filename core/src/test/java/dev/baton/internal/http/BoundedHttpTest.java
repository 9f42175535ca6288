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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedHttpTest {
    private static final EndpointObserver NONE = EndpointObserver.none();
    private static final EndpointObserver.Endpoint ANY = EndpointObserver.Endpoint.JWKS;

    @StartStop
    private final MockWebServer server = new MockWebServer();

    /** Released after each test in any case, so no held answer outlives its test. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHeldAnswers() {
        release.countDown();
    }

    /** Answers 200 to every request, each once the test counts {@link #release} down. */
    private void holdEveryAnswer() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                release.await(10, TimeUnit.SECONDS);
                return new MockResponse.Builder().code(200).body("{}").build();
            }
        });
    }

    /** Waits (at most 10 s) until the server has received {@code n} requests. */
    private void awaitRequests(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.getRequestCount() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(server.getRequestCount()).as("requests received").isEqualTo(n);
    }

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
    void theAsyncAnswerCompletesOnOneOfBatonsSenderThreads() throws Exception {
        holdEveryAnswer();
        CompletableFuture<BoundedHttp.Response> call = BoundedHttp.sendAsyncBounded(BoundedHttp.newClient(), NONE,
                ANY, get(), Duration.ofSeconds(10), 1024);
        // Attached while the answer is held, so the callback runs on the thread that completes the call.
        CompletableFuture<String> thread = call.thenApply(r -> Thread.currentThread().getName());

        release.countDown();

        assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("baton-http-");
    }

    @Test
    void callsBeyondTheSenderThreadsAreSentAsynchronouslyAndAnswered() throws Exception {
        holdEveryAnswer();
        HttpClient client = BoundedHttp.newClient();
        List<CompletableFuture<BoundedHttp.Response>> calls = new ArrayList<>();
        for (int i = 0; i <= BoundedHttp.MAX_SENDERS; i++) {
            calls.add(BoundedHttp.sendAsyncBounded(client, NONE, ANY, get(), Duration.ofSeconds(20), 1024));
        }
        awaitRequests(BoundedHttp.MAX_SENDERS + 1);
        List<CompletableFuture<String>> threads = new ArrayList<>();
        for (CompletableFuture<BoundedHttp.Response> call : calls) {
            threads.add(call.thenApply(r -> r.status() + " " + Thread.currentThread().getName()));
        }

        release.countDown();

        List<String> answers = new ArrayList<>();
        for (CompletableFuture<String> t : threads) {
            answers.add(t.get(20, TimeUnit.SECONDS));
        }
        assertThat(answers).hasSize(BoundedHttp.MAX_SENDERS + 1).allMatch(a -> a.startsWith("200 "));
        // Every sender was busy with a held call: at least the last went through sendAsync.
        assertThat(answers).anyMatch(a -> !a.startsWith("200 baton-http-"));
    }

    @Test
    void aSenderWhoseCallWasCutAtTheDeadlineSendsTheNextCallsNormally() throws Exception {
        server.enqueue(new MockResponse.Builder().body("x".repeat(100))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS).build());
        assertThatThrownBy(() -> send(Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);
        for (int i = 0; i < 5; i++) {
            server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
        }

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(send(Duration.ofSeconds(5)).status());
        }

        // The abort interrupted a sender thread: the interrupt must not leak into a later call.
        assertThat(statuses).containsOnly(200).hasSize(5);
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
    void showsTheObserverAUrlWithNothingToStripAsItIs() {
        URI uri = URI.create("https://as.example.com:8443/oauth2/v1/token");

        assertThat(BoundedHttp.withoutQuery(uri)).isSameAs(uri);
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
