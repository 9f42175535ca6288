package dev.baton.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How long a routed call waits for its exchange: no longer than the call's timeout, deadline or
 * read timeout, not past its cancellation or an interrupt; and an exchange the call stopped waiting
 * for still serves the next call from the cache.
 */
class ExchangeWaitTest extends InterceptorTestSupport {
    /** Lets the token endpoint answer; until then it holds every exchange (the tests' slow endpoint). */
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void holdTheTokenEndpoint() {
        tokenEndpoint.holdUntil(release);
    }

    @AfterEach
    void releaseTheTokenEndpoint() {
        release.countDown();
    }

    /**
     * A client whose exchanger's own deadline (60 s) is far beyond any wait the tests allow, so only
     * the interceptor can end a wait in time.
     */
    private OkHttpClient patientClient() {
        TokenExchanger patient = TokenExchanger.builder()
                .tokenEndpoint(idp.url("/oauth2/backend/v1/token").toString())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "client-secret"))
                .auditListener(AuditListener.none())
                .deadline(Duration.ofSeconds(60))
                .maxAttempts(1)
                .build();
        return client(TokenExchangeInterceptor.builder(patient)
                .route(backend.url("/graphql").toString(), r -> r.audience("backend"))
                .allowHttpOnLoopback().build());
    }

    /** How a call executed on another thread ended: what it threw, if anything, and when. */
    private record Ended(Throwable thrown, long atNanos) {
    }

    private static CompletableFuture<Ended> executeElsewhere(Call call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                call.execute().close();
                return new Ended(null, System.nanoTime());
            } catch (Throwable t) {
                return new Ended(t, System.nanoTime());
            }
        }, task -> new Thread(task, "caller").start());
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Lets the held exchange finish, then checks that the next call on {@code client} carries its
     * token, with no second exchange.
     */
    private void assertReleasedExchangeServesTheNextCall(OkHttpClient client) throws Exception {
        release.countDown();
        Response next = execute(client, get(backend, "/graphql", user("alice")).build());

        assertThat(next.code()).isEqualTo(200);
        assertThat(take(backend).getHeaders().get("Authorization")).isEqualTo("Bearer exchanged-alice-1");
        assertThat(tokenEndpoint.exchanges()).isEqualTo(1);
    }

    /**
     * A token endpoint that counts {@code exchangeStarted} down when an exchange arrives, holds it
     * until {@code release} (at most {@code holdSeconds}), then answers 503.
     */
    private static Dispatcher heldThen503(CountDownLatch exchangeStarted, CountDownLatch release, long holdSeconds) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                exchangeStarted.countDown();
                release.await(holdSeconds, TimeUnit.SECONDS);
                return new MockResponse.Builder().code(503).build();
            }
        };
    }

    @Test
    void waitForTheExchangeEndsWithTheCallTimeoutWhileTheExchangeIsStillPending() throws Exception {
        CountDownLatch exchangeStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        idp.setDispatcher(heldThen503(exchangeStarted, release, 20));
        // Only the interceptor honouring the call timeout can end the call in time.
        OkHttpClient client = patientClient().newBuilder().callTimeout(300, TimeUnit.MILLISECONDS).build();
        AtomicReference<IOException> failure = new AtomicReference<>();
        AtomicReference<Long> pendingWhenFailed = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);

        try {
            enqueue(client.newCall(get(backend, "/graphql", user("alice")).build()), e -> {
                pendingWhenFailed.set(release.getCount());
                failure.set(e);
            }, done);
            assertThat(exchangeStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(done.await(10, TimeUnit.SECONDS)).as("the call ended while the exchange was pending").isTrue();
        } finally {
            release.countDown();
        }

        assertThat(pendingWhenFailed.get()).as("token endpoint still holding the exchange").isEqualTo(1L);
        assertThat(failure.get()).isInstanceOf(InterruptedIOException.class);
        for (Throwable t = failure.get(); t != null; t = t.getCause()) {
            assertThat(t).isNotInstanceOf(TokenExchangeIOException.class).isNotInstanceOf(TokenExchangeException.class);
        }
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void interruptedWaitForTheExchangeIsAnInterruptedIOException() throws Exception {
        CountDownLatch exchangeStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        idp.setDispatcher(heldThen503(exchangeStarted, release, 10));
        OkHttpClient client = backendClient();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                execute(client, get(backend, "/graphql", user("alice")).build());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        try {
            caller.start();
            assertThat(exchangeStarted.await(10, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            caller.join(10_000);
        } finally {
            release.countDown();
        }

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void callTimeoutEndsTheWaitForASlowExchangeNearTheTimeout() {
        OkHttpClient client = patientClient().newBuilder().callTimeout(500, TimeUnit.MILLISECONDS).build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> execute(client, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(InterruptedIOException.class);

        assertThat(since(start)).isBetween(Duration.ofMillis(450), Duration.ofMillis(2500));
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void exchangeOutlivingATimedOutCallServesTheNextCall() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = patientClient();
        OkHttpClient impatient = client.newBuilder().callTimeout(300, TimeUnit.MILLISECONDS).build();
        assertThatThrownBy(() -> execute(impatient, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(InterruptedIOException.class);

        assertReleasedExchangeServesTheNextCall(client);
    }

    @Test
    void canceledCallStopsWaitingForTheExchangePromptly() throws Exception {
        Call call = patientClient().newCall(get(backend, "/graphql", user("alice")).build());
        CompletableFuture<Ended> ended = executeElsewhere(call);
        assertThat(tokenEndpoint.awaitFirstExchange()).isTrue();

        long canceledAt = System.nanoTime();
        call.cancel();

        Ended end = ended.get(10, TimeUnit.SECONDS);
        assertThat(end.thrown()).isInstanceOf(IOException.class).hasMessage("Canceled");
        assertThat(Duration.ofNanos(end.atNanos() - canceledAt)).isLessThan(Duration.ofSeconds(1));
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void callCanceledBeforeItRunsDoesNotWaitForTheExchange() {
        Call call = patientClient().newCall(get(backend, "/graphql", user("alice")).build());
        call.cancel();

        long start = System.nanoTime();
        assertThatThrownBy(call::execute).isInstanceOf(IOException.class).hasMessage("Canceled");

        assertThat(since(start)).isLessThan(Duration.ofSeconds(1));
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void exchangeOutlivingACanceledCallServesTheNextCall() throws Exception {
        backend.enqueue(ok());
        OkHttpClient client = patientClient();
        Call call = client.newCall(get(backend, "/graphql", user("alice")).build());
        CompletableFuture<Ended> ended = executeElsewhere(call);
        assertThat(tokenEndpoint.awaitFirstExchange()).isTrue();
        call.cancel();
        assertThat(ended.get(10, TimeUnit.SECONDS).thrown()).isInstanceOf(IOException.class).hasMessage("Canceled");

        assertReleasedExchangeServesTheNextCall(client);
    }

    @Test
    void withoutACallTimeoutTheReadTimeoutBoundsTheWait() {
        OkHttpClient client = patientClient().newBuilder().readTimeout(400, TimeUnit.MILLISECONDS).build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> execute(client, get(backend, "/graphql", user("alice")).build()))
                .isInstanceOf(InterruptedIOException.class).hasMessageContaining("call's timeout");

        assertThat(since(start)).isBetween(Duration.ofMillis(350), Duration.ofMillis(2500));
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void deadlineOnTheCallBoundsTheWait() {
        Call call = patientClient().newBuilder().readTimeout(0, TimeUnit.MILLISECONDS).build()
                .newCall(get(backend, "/graphql", user("alice")).build());
        call.timeout().deadline(400, TimeUnit.MILLISECONDS);

        long start = System.nanoTime();
        assertThatThrownBy(call::execute).isInstanceOf(InterruptedIOException.class);

        assertThat(since(start)).isBetween(Duration.ofMillis(350), Duration.ofMillis(2500));
        assertThat(backend.getRequestCount()).isZero();
    }
}
