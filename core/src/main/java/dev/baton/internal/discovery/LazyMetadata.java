package dev.baton.internal.discovery;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Discovers an issuer's metadata on first use rather than at start-up (so an application can
 * start while its authorization server is still coming up), keeps it once found, and after a
 * failure waits {@link #RETRY_INTERVAL} before asking again so a down server is not hammered.
 * Thread-safe. Not API.
 */
public final class LazyMetadata {
    /** The least time between two discovery attempts after a failure. */
    public static final Duration RETRY_INTERVAL = Duration.ofSeconds(10);

    private final HttpClient client;
    private final String issuer;
    private final Clock clock;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile AuthorizationServerMetadata metadata;
    private Instant failedAt;
    private IOException failure;

    /**
     * @param client the HTTP client (no redirects)
     * @param issuer the configured issuer
     * @param clock the clock for the retry interval
     * @param timeout the deadline of each discovery request
     */
    public LazyMetadata(HttpClient client, String issuer, Clock clock, Duration timeout) {
        this.client = client;
        this.issuer = issuer;
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * The metadata, discovering it if needed.
     *
     * @throws IOException if discovery failed now or less than {@link #RETRY_INTERVAL} ago
     */
    public AuthorizationServerMetadata get() throws IOException {
        AuthorizationServerMetadata m = metadata;
        if (m != null) {
            return m;
        }
        lock.lock();
        try {
            if (metadata != null) {
                return metadata;
            }
            Instant now = clock.instant();
            if (failedAt != null && now.isBefore(failedAt.plus(RETRY_INTERVAL))) {
                throw new IOException("discovery failed recently: " + failure.getMessage(), failure);
            }
            try {
                metadata = MetadataDiscovery.discover(client, issuer, timeout);
                return metadata;
            } catch (IOException e) {
                failedAt = now;
                failure = e;
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }
}
