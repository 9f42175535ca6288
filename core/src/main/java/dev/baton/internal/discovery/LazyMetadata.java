package dev.baton.internal.discovery;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.EndpointObserver;
import dev.baton.internal.Timers;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Discovers an issuer's metadata ({@link MetadataDiscovery}) on first use rather than at start-up
 * (so an application can start while its authorization server is still coming up), keeps it once
 * found and accepted, and after a failure waits a retry interval before asking again so a down
 * server is not hammered. A document the caller's {@link Acceptance} refuses (an endpoint on plain
 * http to a remote host, a missing {@code jwks_uri}) is such a failure too: it is not kept, so once
 * the authorization server fixes its metadata the next attempt picks the fix up, without a restart.
 * The one discovery of every validator and exchanger: {@link #get()} for callers that block anyway,
 * {@link #getAsync()} for those that must not. Thread-safe. Not API.
 */
public final class LazyMetadata {
    /** The least time between two discovery attempts after a failure, by default. */
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

        /** Accepts every document that discovery itself accepted. */
        static Acceptance any() {
            return metadata -> { };
        }
    }

    private final HttpClient client;
    private final EndpointObserver observer;
    private final String issuer;
    private final Clock clock;
    private final Duration timeout;
    private final Duration retryInterval;
    private final Acceptance acceptance;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReference<CompletableFuture<AuthorizationServerMetadata>> asyncAttempt =
            new AtomicReference<>();
    private volatile AuthorizationServerMetadata metadata;
    private Instant failedAt;
    private IOException failure;

    /**
     * Discovery retried at most every {@link #RETRY_INTERVAL} after a failure.
     *
     * @param client the HTTP client (no redirects)
     * @param observer told of each discovery request
     * @param issuer the configured issuer
     * @param clock the clock for the retry interval
     * @param timeout the deadline of each discovery request
     */
    public LazyMetadata(HttpClient client, EndpointObserver observer, String issuer, Clock clock, Duration timeout) {
        this(client, observer, issuer, clock, timeout, RETRY_INTERVAL);
    }

    /**
     * @param client the HTTP client (no redirects)
     * @param observer told of each discovery request
     * @param issuer the configured issuer
     * @param clock the clock for the retry interval
     * @param timeout the deadline of each discovery request
     * @param retryInterval the least time between two attempts after a failure; zero tries again on
     *     the next call
     */
    public LazyMetadata(HttpClient client, EndpointObserver observer, String issuer, Clock clock, Duration timeout,
            Duration retryInterval) {
        this(client, observer, issuer, clock, timeout, retryInterval, Acceptance.any());
    }

    /**
     * @param client the HTTP client (no redirects)
     * @param observer told of each discovery request
     * @param issuer the configured issuer
     * @param clock the clock for the retry interval
     * @param timeout the deadline of each discovery request
     * @param retryInterval the least time between two attempts after a failure; zero tries again on
     *     the next call
     * @param acceptance what discovered metadata must pass before it is kept; a refusal counts as a
     *     failed discovery
     */
    public LazyMetadata(HttpClient client, EndpointObserver observer, String issuer, Clock clock, Duration timeout,
            Duration retryInterval, Acceptance acceptance) {
        this.client = client;
        this.observer = Objects.requireNonNull(observer, "observer");
        this.issuer = issuer;
        this.clock = clock;
        this.timeout = timeout;
        this.retryInterval = retryInterval;
        this.acceptance = Objects.requireNonNull(acceptance, "acceptance");
    }

    /**
     * The metadata, discovering it on the calling thread if needed; concurrent callers wait for
     * one discovery.
     *
     * @throws IOException if discovery failed, or found metadata the {@link Acceptance} refused,
     *     now or less than the retry interval ago
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
            if (failedAt != null && now.isBefore(failedAt.plus(retryInterval))) {
                throw new IOException("discovery failed recently: " + failure.getMessage(), failure);
            }
            try {
                AuthorizationServerMetadata found = MetadataDiscovery.discover(client, observer, issuer, timeout);
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

    /**
     * The metadata without blocking the caller: completed at once when known, otherwise when one
     * discovery ends, exceptionally with the {@link IOException} {@link #get()} would throw.
     * Concurrent callers share one attempt.
     */
    public CompletableFuture<AuthorizationServerMetadata> getAsync() {
        AuthorizationServerMetadata m = metadata;
        if (m != null) {
            return CompletableFuture.completedFuture(m);
        }
        CompletableFuture<AuthorizationServerMetadata> mine = new CompletableFuture<>();
        CompletableFuture<AuthorizationServerMetadata> running = asyncAttempt.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        // Discovery blocks (at most three bounded GETs) and is rare (once per issuer, one attempt at
        // a time): it borrows a thread of Baton's async pool for that bounded time instead of
        // starting a thread of its own, and the pool grows rather than queue, so it holds up no
        // deadline.
        Timers.schedule(0, () -> {
            AuthorizationServerMetadata found = null;
            Exception error = null;
            try {
                found = get();
            } catch (IOException | RuntimeException e) {
                error = e;
            }
            // Cleared before completing: a call after this attempt ended starts a new one.
            asyncAttempt.set(null);
            if (error == null) {
                mine.complete(found);
            } else {
                mine.completeExceptionally(error);
            }
        });
        return mine;
    }
}
