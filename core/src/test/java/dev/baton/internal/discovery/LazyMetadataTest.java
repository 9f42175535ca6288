package dev.baton.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.EndpointObserver;
import dev.baton.internal.http.BoundedHttp;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one lazy discovery of validators and exchangers: kept once found and accepted, retried after
 * a failure or a refused document.
 */
class LazyMetadataTest {
    private static final EndpointObserver NONE = EndpointObserver.none();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final TestAuthorizationServer as = new TestAuthorizationServer(server);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean refuse = new AtomicBoolean();

    @AfterEach
    void releaseHeldResponses() {
        release.countDown();
    }

    private LazyMetadata metadata(Duration retryInterval) {
        return new LazyMetadata(BoundedHttp.newClient(), NONE, as.issuer(), clock, TIMEOUT, retryInterval);
    }

    /** Refuses every document while {@link #refuse} is set, as a validator refuses a plain-http jwks_uri. */
    private LazyMetadata refusing() {
        return new LazyMetadata(BoundedHttp.newClient(), NONE, as.issuer(), clock, TIMEOUT, LazyMetadata.RETRY_INTERVAL,
                m -> {
                    if (refuse.get()) {
                        throw new IOException("refused by the test");
                    }
                });
    }

    @Test
    void keepsWhatItAcceptedWithoutAskingAgain() throws Exception {
        LazyMetadata metadata = refusing();
        assertThat(as.discoveryRequests()).isZero();

        AuthorizationServerMetadata first = metadata.get();
        clock.advance(Duration.ofDays(1));

        assertThat(metadata.get()).isSameAs(first);
        assertThat(as.discoveryRequests()).isEqualTo(1);
    }

    @Test
    void aRefusedDocumentIsAFailureThatIsRetriedAfterTheInterval() throws Exception {
        LazyMetadata metadata = refusing();
        refuse.set(true);
        assertThatThrownBy(metadata::get).isInstanceOf(IOException.class).hasMessage("refused by the test");
        refuse.set(false);

        clock.advance(LazyMetadata.RETRY_INTERVAL.minusSeconds(1));
        assertThatThrownBy(metadata::get).isInstanceOf(IOException.class)
                .hasMessage("discovery failed recently: refused by the test");
        assertThat(as.discoveryRequests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(metadata.get().getJWKSetURI()).isEqualTo(URI.create(as.jwksUri()));
        assertThat(as.discoveryRequests()).isEqualTo(2);
    }

    @Test
    void aRefusedDocumentFailsTheNonBlockingFormToo() {
        LazyMetadata metadata = refusing();
        refuse.set(true);

        assertThat(metadata.getAsync()).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IOException.class)
                .withMessageContaining("refused by the test");
    }

    @Test
    void concurrentAsyncCallersShareOneDiscoveryWithoutWaitingForIt() throws Exception {
        Dispatcher real = server.getDispatcher();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                release.await(10, TimeUnit.SECONDS);
                return real.dispatch(request);
            }
        });
        LazyMetadata metadata = metadata(LazyMetadata.RETRY_INTERVAL);

        List<CompletableFuture<AuthorizationServerMetadata>> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callers.add(metadata.getAsync());
        }
        assertThat(callers).noneMatch(CompletableFuture::isDone);
        release.countDown();

        for (CompletableFuture<AuthorizationServerMetadata> c : callers) {
            assertThat(c.get(10, TimeUnit.SECONDS).getTokenEndpointURI()).isEqualTo(URI.create(as.tokenEndpoint()));
        }
        assertThat(as.discoveryRequests()).isEqualTo(1);
        assertThat(metadata.getAsync()).isCompleted();
    }

    @Test
    void afterAFailureTheNextAttemptWaitsForTheRetryInterval() throws Exception {
        as.discovery(TestAuthorizationServer.Discovery.NONE);
        LazyMetadata metadata = metadata(Duration.ofSeconds(10));
        assertThat(metadata.getAsync()).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(MetadataDiscovery.DiscoveryException.class);
        int afterFirst = as.discoveryRequests();
        as.discovery(TestAuthorizationServer.Discovery.RFC8414);

        assertThat(metadata.getAsync()).failsWithin(Duration.ofSeconds(10));
        assertThat(as.discoveryRequests()).isEqualTo(afterFirst);

        clock.advance(Duration.ofSeconds(10));
        assertThat(metadata.getAsync().get(10, TimeUnit.SECONDS).getIssuer().getValue()).isEqualTo(as.issuer());
    }

    @Test
    void aZeroRetryIntervalTriesAgainOnTheNextCall() throws Exception {
        as.discovery(TestAuthorizationServer.Discovery.NONE);
        LazyMetadata metadata = metadata(Duration.ZERO);
        assertThat(metadata.getAsync()).failsWithin(Duration.ofSeconds(10));

        as.discovery(TestAuthorizationServer.Discovery.RFC8414);

        assertThat(metadata.getAsync().get(10, TimeUnit.SECONDS).getIssuer().getValue()).isEqualTo(as.issuer());
    }
}
