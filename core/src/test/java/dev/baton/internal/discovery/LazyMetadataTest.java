package dev.baton.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.internal.http.BoundedHttp;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery on first use, kept once accepted, retried after a failure or a refusal. */
class LazyMetadataTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final TestAuthorizationServer as = new TestAuthorizationServer(server);
    private final MutableClock clock = MutableClock.startingNow();
    private final HttpClient client = BoundedHttp.newClient();
    private final AtomicBoolean refuse = new AtomicBoolean();

    @AfterEach
    void closeClient() {
        BoundedHttp.close(client);
    }

    private LazyMetadata lazy() {
        return new LazyMetadata(client, as.issuer(), clock, DEADLINE, m -> {
            if (refuse.get()) {
                throw new IOException("refused by the test");
            }
        });
    }

    @Test
    void discoversOnFirstUseAndKeepsWhatItAccepted() throws Exception {
        LazyMetadata metadata = lazy();
        assertThat(as.discoveryRequests()).isZero();

        AuthorizationServerMetadata first = metadata.get();
        clock.advance(Duration.ofDays(1));

        assertThat(metadata.get()).isSameAs(first);
        assertThat(first.getJWKSetURI()).isEqualTo(URI.create(as.jwksUri()));
        assertThat(as.discoveryRequests()).isEqualTo(1);
    }

    @Test
    void aRefusedDocumentIsAFailureThatIsRetriedAfterTheInterval() throws Exception {
        LazyMetadata metadata = lazy();
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
    void aFailedDiscoveryIsRetriedOnTheSameSchedule() throws Exception {
        as.discovery(TestAuthorizationServer.Discovery.NONE);
        LazyMetadata metadata = lazy();
        assertThatThrownBy(metadata::get).isInstanceOf(MetadataDiscovery.DiscoveryException.class);
        int afterFirstAttempt = as.discoveryRequests();
        as.discovery(TestAuthorizationServer.Discovery.RFC8414);

        clock.advance(LazyMetadata.RETRY_INTERVAL.minusSeconds(1));
        assertThatThrownBy(metadata::get).isInstanceOf(IOException.class);
        assertThat(as.discoveryRequests()).isEqualTo(afterFirstAttempt);

        clock.advance(Duration.ofSeconds(1));
        assertThat(metadata.get().getJWKSetURI()).isEqualTo(URI.create(as.jwksUri()));
    }
}
