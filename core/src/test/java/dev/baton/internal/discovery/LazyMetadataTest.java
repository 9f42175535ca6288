package dev.baton.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.internal.http.BoundedHttp;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
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

/** The one lazy discovery of validators and exchangers, through its non-blocking form. */
class LazyMetadataTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final TestAuthorizationServer as = new TestAuthorizationServer(server);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHeldResponses() {
        release.countDown();
    }

    private LazyMetadata metadata(Duration retryInterval) {
        return new LazyMetadata(BoundedHttp.newClient(), as.issuer(), clock, TIMEOUT, retryInterval);
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
