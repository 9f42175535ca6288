package dev.baton.internal.discovery;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Discovers an issuer's metadata on first use rather than at start-up (so an application can
 * start while its authorization server is still coming up), keeps it once found and accepted, and
 * after a failure waits {@link #RETRY_INTERVAL} before asking again so a down server is not
 * hammered. A document the caller's {@link Acceptance} refuses (an endpoint on plain http to a
 * remote host, a missing {@code jwks_uri}) is such a failure too: it is not kept, so once the
 * authorization server fixes its metadata the next attempt picks the fix up, without a restart.
 * Thread-safe. Not API.
 */
public final class LazyMetadata {
    /** The least time between two discovery attempts after a failure. */
    public static final Duration RETRY_INTERVAL = Duration.ofSeconds(10);

    /** Decides whether discovered metadata can be used. */
    @FunctionalInterface
    public interface Acceptance {
        /**
         * Passes when {@code metadata} can be used.
         *
         * @throws IOException saying why not; the message must not repeat remote text
         */
        void check(AuthorizationServerMetadata metadata) throws IOException;
    }

    private final HttpClient client;
    private final String issuer;
    private final Clock clock;
    private final Duration timeout;
    private final Acceptance acceptance;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile AuthorizationServerMetadata metadata;
    private Instant failedAt;
    private IOException failure;

    /**
     * @param client the HTTP client (no redirects)
     * @param issuer the configured issuer
     * @param clock the clock for the retry interval
     * @param timeout the deadline of each discovery request
     * @param acceptance what discovered metadata must pass before it is kept
     */
    public LazyMetadata(HttpClient client, String issuer, Clock clock, Duration timeout, Acceptance acceptance) {
        this.client = client;
        this.issuer = issuer;
        this.clock = clock;
        this.timeout = timeout;
        this.acceptance = Objects.requireNonNull(acceptance, "acceptance");
    }

    /**
     * The metadata, discovering it if needed.
     *
     * @throws IOException if discovery failed, or found metadata the {@link Acceptance} refused,
     *     now or less than {@link #RETRY_INTERVAL} ago
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
                AuthorizationServerMetadata found = MetadataDiscovery.discover(client, issuer, timeout);
                acceptance.check(found);
                metadata = found;
                return found;
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
