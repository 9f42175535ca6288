package dev.baton;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.internal.Endpoints;
import dev.baton.internal.Nanos;
import dev.baton.internal.Listeners;
import dev.baton.internal.exchange.DiscoveredTokenEndpoint;
import dev.baton.internal.exchange.ExchangeKey;
import dev.baton.internal.exchange.RetryPolicy;
import dev.baton.internal.exchange.SubjectExpiry;
import dev.baton.internal.exchange.TokenEndpointClient;
import dev.baton.internal.http.BoundedHttp;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Exchanges a user's token for a token to a backend (OAuth 2.0 Token Exchange, RFC 8693), with a
 * per-user cache. Thread-safe; build one per backend authorization server and share it.
 *
 * <pre>{@code
 * TokenExchanger exchanger = TokenExchanger.builder()
 *     .tokenEndpoint("https://idp.example.com/oauth2/backend/v1/token")
 *     .clientAuthentication(ClientAuthentication.clientSecretBasic("toolhive", secret))
 *     .build();
 * ExchangedToken backend = exchanger.exchange(ExchangeRequest.builder()
 *     .subjectToken(user)
 *     .audience("backend")
 *     .scopes("backend-api:read")
 *     .build());
 * }</pre>
 *
 * <p><b>The call.</b> Each exchange is one RFC 8693 §2.1 form POST, authenticated as the
 * {@link ClientAuthentication} says, with no redirect followed (a 3xx is a failure), no HTTP cache,
 * a response size cap, and a total {@linkplain Builder#deadline(Duration) deadline} that covers every
 * attempt and the whole response body. Connection errors, 5xx and 429 are retried a bounded number
 * of times with jittered exponential backoff, honouring {@code Retry-After} (RFC 9110 §10.2.3) when
 * it fits in the deadline; OAuth errors ({@code invalid_grant}, {@code invalid_target}, ...,
 * RFC 8693 §2.2.2) are never retried. The response must carry a string {@code access_token}, an
 * {@code issued_token_type} (RFC 8693 §2.2.1) and, unless another {@code requested_token_type} was
 * asked for, {@code token_type} Bearer (case-insensitive, RFC 6749 §7.1). A missing, zero or negative
 * {@code expires_in} means {@linkplain Builder#defaultTokenLifetime(Duration) 60 seconds}; a larger
 * one than {@linkplain Builder#maxTokenLifetime(Duration) one hour} is capped. Every failure is a
 * {@link TokenExchangeException}; the incoming token is never returned in place of an exchanged one.
 *
 * <p><b>The cache</b> (on by default, {@link Builder#noCache()} turns it off) keys entries by the
 * SHA-256 of the subject and actor tokens plus the token types, audiences, resources and scopes
 * (in any order) and the requested type. An entry is served until the earlier of the exchanged
 * token's and the subject token's expiry minus the {@linkplain Builder#cacheSkew(Duration) skew}
 * (30 s by default), never later. Concurrent calls for the same key share one token endpoint call
 * and its result or failure. Failures are not cached, except {@code invalid_grant} when a
 * {@linkplain Builder#negativeCache(Duration) negative cache} is configured.
 *
 * <p><b>Audit.</b> Every call to {@link #exchange} or {@link #exchangeAsync} produces exactly one
 * {@link ExchangeEvent} for the {@link AuditListener}, never carrying a token. A background
 * {@linkplain Builder#refreshAhead(double) refresh} produces one more event of its own, with
 * {@link ExchangeEvent#fromCache()} false and the refresh's latency: every call to the token
 * endpoint is audited.
 */
public final class TokenExchanger {
    /** Default total time for one exchange, retries included. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);
    /** Default number of attempts per exchange (the first plus two retries). */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default maximum number of cached exchanged tokens: tens of thousands of users. */
    public static final long DEFAULT_MAXIMUM_CACHE_SIZE = 50_000;
    /** Default time before expiry at which a cached token stops being served. */
    public static final Duration DEFAULT_CACHE_SKEW = Duration.ofSeconds(30);
    /** Lifetime assumed when the token endpoint sends no usable {@code expires_in}. */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** Longest lifetime believed from {@code expires_in}. */
    public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(1);

    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final Duration MAX_DEADLINE = Duration.ofMinutes(5);
    private static final Duration MAX_CACHE_SKEW = Duration.ofHours(1);
    private static final Duration MAX_MAX_TOKEN_LIFETIME = Duration.ofDays(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);
    private static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /**
     * Runs a retry directly on the thread Baton's timer hands it to (its async pool, never the
     * timer thread): starting an attempt only signs an assertion and hands the request to the
     * non-blocking HttpClient.
     */
    private static final Executor RETRY_EXECUTOR = Runnable::run;
    /**
     * Discovery is blocking (two bounded GETs) and rare (once per exchanger, and at most one at a
     * time while it keeps failing): it gets its own short-lived daemon thread rather than a pool thread.
     */
    private static final Executor DISCOVERY_EXECUTOR = task -> {
        Thread t = new Thread(task, "baton-token-endpoint-discovery");
        t.setDaemon(true);
        t.start();
    };

    private final TokenEndpointClient client;
    private final String clientId;
    private final AuditListener audit;
    private final Clock clock;
    private final Duration deadline;
    private final Duration skew;
    private final double refreshAhead;
    private final AsyncCache<ExchangeKey, Entry> cache;
    private final Cache<ExchangeKey, Denial> negativeCache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    private TokenExchanger(Builder b, Function<Duration, CompletableFuture<URI>> endpoint) {
        this.clock = b.clock;
        this.deadline = b.deadline;
        this.skew = b.cacheSkew;
        this.refreshAhead = b.refreshAhead;
        this.clientId = b.clientAuthentication.clientId();
        this.audit = b.auditListener;
        this.client = new TokenEndpointClient(endpoint, b.clientAuthentication.credentials(), b.httpClient, b.deadline,
                new RetryPolicy(b.maxAttempts, b.initialBackoff, MAX_BACKOFF, MAX_RETRY_AFTER), MAX_RESPONSE_BYTES,
                b.defaultTokenLifetime, b.maxTokenLifetime, b.clock, RETRY_EXECUTOR);
        Ticker ticker = clockTicker(b.clock);
        if (b.cacheEnabled) {
            this.cache = Caffeine.newBuilder()
                    .maximumSize(b.maximumCacheSize)
                    .expireAfter(new EntryExpiry())
                    .ticker(ticker)
                    // Maintenance (eviction, listener) on the caller's thread: no hidden pool, deterministic.
                    .executor(Runnable::run)
                    .removalListener((ExchangeKey k, Entry v, com.github.benmanes.caffeine.cache.RemovalCause c) -> {
                        if (c.wasEvicted() && v != null && v.token != null) {
                            evictions.increment();
                        }
                    })
                    .buildAsync();
            this.negativeCache = b.negativeCacheTtl.isZero() ? null : Caffeine.newBuilder()
                    .maximumSize(b.maximumCacheSize)
                    .expireAfterWrite(b.negativeCacheTtl)
                    .ticker(ticker)
                    .executor(Runnable::run)
                    .build();
        } else {
            this.cache = null;
            this.negativeCache = null;
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Exchanges the request's subject token, from the cache when a usable entry exists. Blocks for
     * at most about the configured deadline.
     *
     * @throws TokenExchangeException if no token could be obtained: an OAuth error response
     *     ({@link TokenExchangeException#error()}), an unusable response, the deadline, or the
     *     network after the retries; if the calling thread is interrupted (its interrupt flag is kept)
     */
    public ExchangedToken exchange(ExchangeRequest request) throws TokenExchangeException {
        // The exchange ends itself at the deadline; the margin only guards against a stuck client.
        return exchange(request, deadline.plusSeconds(2));
    }

    /**
     * As {@link #exchange(ExchangeRequest)}, waiting at most {@code maxWait}: for a caller with a
     * budget of its own (an HTTP call's remaining timeout) that is shorter than the exchange
     * deadline. When the wait ends first, this caller stops waiting and gets a retryable failure;
     * the exchange itself goes on for any other caller sharing it and, if it succeeds, fills the
     * cache for the next call.
     *
     * @param maxWait how long this call may block; zero or negative means no wait at all (a cached
     *     token is still returned)
     * @throws TokenExchangeException as {@link #exchange(ExchangeRequest)}, or when {@code maxWait}
     *     ran out ({@link TokenExchangeException#isRetryable()} true)
     */
    public ExchangedToken exchange(ExchangeRequest request, Duration maxWait) throws TokenExchangeException {
        Objects.requireNonNull(maxWait, "maxWait");
        CompletableFuture<ExchangedToken> future = exchangeAsync(request);
        try {
            if (future.isDone()) {
                return future.join();
            }
            return future.get(Math.max(0, Nanos.saturated(maxWait)), TimeUnit.NANOSECONDS);
        } catch (CompletionException | ExecutionException e) {
            throw asExchangeException(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new TokenExchangeException("no token within " + maxWait.toMillis() + " ms", null, null, 0, true,
                    null);
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new TokenExchangeException("interrupted while waiting for the token exchange", null, null, 0, true,
                    null);
        }
    }

    /**
     * The non-blocking form of {@link #exchange}: the future completes with the token, or
     * exceptionally with a {@link TokenExchangeException}. No thread is blocked while waiting for
     * the token endpoint or a retry backoff. Cancelling the returned future does not cancel an
     * exchange other callers are waiting for.
     */
    public CompletableFuture<ExchangedToken> exchangeAsync(ExchangeRequest request) {
        Objects.requireNonNull(request, "request");
        long start = System.nanoTime();
        Call call = new Call(request, start);
        CompletableFuture<ExchangedToken> result;
        try {
            result = resolve(call);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(asExchangeException(e));
        }
        if (result.isDone()) {
            finish(call, result);
            return result;
        }
        return result.whenComplete((t, e) -> audit(call, t, e));
    }

    /**
     * Drops the cached token for this request, if any, so the next exchange calls the token endpoint.
     * Call it when the backend rejected the token (HTTP 401). An exchange in flight is not affected.
     */
    public void invalidate(ExchangeRequest request) {
        Objects.requireNonNull(request, "request");
        if (cache == null) {
            return;
        }
        ExchangeKey key = ExchangeKey.of(request);
        cache.synchronous().invalidate(key);
        if (negativeCache != null) {
            negativeCache.invalidate(key);
        }
    }

    /** The cache counters so far (all zero but misses, loads and failures when the cache is off). */
    public ExchangeCacheStats cacheStats() {
        if (cache != null) {
            // Let Caffeine run pending expirations so evictions are counted.
            cache.synchronous().cleanUp();
        }
        return new ExchangeCacheStats(hits.sum(), misses.sum(), loads.sum(), loadFailures.sum(), evictions.sum());
    }

    /** Shows the client id and the configuration; never a secret. */
    @Override
    public String toString() {
        return "TokenExchanger[client_id=" + clientId + ", deadline=" + deadline + ", cache="
                + (cache == null ? "off" : "on, skew=" + skew) + "]";
    }

    private CompletableFuture<ExchangedToken> resolve(Call call) {
        if (cache == null) {
            misses.increment();
            return load(call.request, null).thenCompose(Entry::result);
        }
        ExchangeKey key = ExchangeKey.of(call.request);
        call.fingerprint = key.subjectToken().fingerprint();
        if (negativeCache != null) {
            Denial denied = negativeCache.getIfPresent(key);
            if (denied != null) {
                hits.increment();
                call.fromCache = true;
                return CompletableFuture.failedFuture(new TokenExchangeException(denied.message
                        + " (remembered for a short time)", denied.error, denied.description, denied.status, false,
                        null));
            }
        }
        // At most two rounds: a stale entry found on the first is removed, the second loads afresh.
        for (int round = 0; round < 2; round++) {
            boolean[] created = new boolean[1];
            CompletableFuture<Entry> future = cache.get(key, (k, executor) -> {
                created[0] = true;
                return load(call.request, k);
            });
            if (created[0]) {
                misses.increment();
                return future.thenCompose(Entry::result);
            }
            if (!future.isDone()) {
                // Joined an exchange in flight: share its result or its failure.
                hits.increment();
                return future.thenCompose(Entry::result);
            }
            Entry entry = future.join();
            Instant now = clock.instant();
            if (entry.token != null && now.isBefore(entry.staleAt)) {
                hits.increment();
                call.fromCache = true;
                maybeRefresh(key, entry, future, call.request, now);
                return CompletableFuture.completedFuture(entry.token);
            }
            // A finished failure, or remaining life under the skew: never served (Caffeine's own
            // expiry may lag by a tick).
            cache.asMap().remove(key, future);
        }
        misses.increment();
        return load(call.request, null).thenCompose(Entry::result);
    }

    /**
     * One token endpoint exchange. The future always completes normally, with a failed entry on
     * failure: a failed entry expires at once (failures are not cached), and Caffeine does not log
     * a warning for every refused exchange as it would for a failed future.
     */
    private CompletableFuture<Entry> load(ExchangeRequest request, ExchangeKey key) {
        return client.exchange(request).handle((token, error) -> {
            if (error != null) {
                loadFailures.increment();
                TokenExchangeException e = asExchangeException(error);
                if (key != null && negativeCache != null && "invalid_grant".equals(e.error())) {
                    negativeCache.put(key,
                            new Denial(e.getMessage(), e.error(), e.errorDescription(), e.httpStatus()));
                }
                return Entry.failed(e);
            }
            loads.increment();
            return newEntry(token, request);
        });
    }

    private Entry newEntry(ExchangedToken token, ExchangeRequest request) {
        Instant created = clock.instant();
        Instant end = token.expiresAt();
        Instant subjectExpiry = SubjectExpiry.of(request);
        boolean boundBySubject = false;
        if (subjectExpiry != null && subjectExpiry.isBefore(end)) {
            end = subjectExpiry;
            boundBySubject = true;
        }
        Instant staleAt = end.minus(skew);
        Instant refreshAt = null;
        // When the subject token's expiry is the bound, a new exchange for the same subject token
        // cannot extend the entry: refreshing would only call the token endpoint again and again.
        if (refreshAhead > 0 && !boundBySubject && staleAt.isAfter(created)) {
            long lifeMillis = Duration.between(created, staleAt).toMillis();
            refreshAt = created.plusMillis((long) (lifeMillis * refreshAhead));
        }
        return new Entry(token, null, staleAt, refreshAt);
    }

    private void maybeRefresh(ExchangeKey key, Entry entry, CompletableFuture<Entry> current,
            ExchangeRequest request, Instant now) {
        if (entry.refreshAt == null || now.isBefore(entry.refreshAt) || !entry.refreshing.compareAndSet(false, true)) {
            return;
        }
        // One background exchange; callers keep getting the current token until it replaces it.
        // It is audited like any exchange (fromCache false, its own latency), so every call to the
        // token endpoint leaves an event.
        Call refresh = new Call(request, System.nanoTime());
        refresh.fingerprint = key.subjectToken().fingerprint();
        load(request, key).thenAccept(fresh -> {
            audit(refresh, fresh.token, fresh.failure);
            if (fresh.token != null) {
                cache.asMap().replace(key, current, CompletableFuture.completedFuture(fresh));
            } else {
                entry.refreshing.set(false);
            }
        });
    }

    private void finish(Call call, CompletableFuture<ExchangedToken> done) {
        ExchangedToken token = null;
        Throwable error = null;
        try {
            token = done.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            error = e;
        }
        audit(call, token, error);
    }

    private void audit(Call call, ExchangedToken token, Throwable error) {
        ExchangeRequest r = call.request;
        TokenExchangeException failure = error == null ? null : asExchangeException(error);
        List<String> resources = new ArrayList<>(r.resources().size());
        r.resources().forEach(u -> resources.add(u.toString()));
        String fingerprint = call.fingerprint != null ? call.fingerprint
                : r.validatedSubject().map(ValidatedToken::fingerprint)
                        .orElseGet(() -> ValidatedToken.fingerprintOf(r.subjectToken()));
        ExchangeEvent event = new ExchangeEvent(
                clock.instant(),
                failure == null ? ExchangeEvent.Outcome.SUCCESS : ExchangeEvent.Outcome.FAILURE,
                r.validatedSubject().map(ValidatedToken::subject).orElse(null),
                clientId,
                fingerprint,
                r.audiences(),
                resources,
                r.scopes(),
                token == null ? null : token.scopes(),
                failure == null ? null : failure.error(),
                // RFC 6749 section 5.1: only a 200 carries a token, so a success not served from the cache was one.
                call.fromCache ? 0 : failure == null ? 200 : failure.httpStatus(),
                call.fromCache,
                Duration.ofNanos(System.nanoTime() - call.start));
        Listeners.safely(() -> audit.onExchange(event));
    }

    private static TokenExchangeException asExchangeException(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TokenExchangeException e) {
            return e;
        }
        return new TokenExchangeException("token exchange failed: " + t.getClass().getSimpleName(), null, null, 0,
                false, null);
    }

    private static Ticker clockTicker(Clock clock) {
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    /** Per-entry expiry: at {@link Entry#staleAt}, measured on the injected clock. */
    private final class EntryExpiry implements Expiry<ExchangeKey, Entry> {
        @Override
        public long expireAfterCreate(ExchangeKey key, Entry value, long currentTime) {
            if (value.token == null) {
                return 0;
            }
            // Saturating and capped at a day: no overflow whatever the expiry says.
            return Nanos.untilCapped(clock.instant(), value.staleAt);
        }

        @Override
        public long expireAfterUpdate(ExchangeKey key, Entry value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(ExchangeKey key, Entry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /**
     * A cached token with the instant it stops being served and, optionally, when to refresh it;
     * or the failure of an exchange, which is handed to its waiters and never served again.
     */
    private static final class Entry {
        final ExchangedToken token;
        final TokenExchangeException failure;
        final Instant staleAt;
        final Instant refreshAt;
        final AtomicBoolean refreshing = new AtomicBoolean();

        Entry(ExchangedToken token, TokenExchangeException failure, Instant staleAt, Instant refreshAt) {
            this.token = token;
            this.failure = failure;
            this.staleAt = staleAt;
            this.refreshAt = refreshAt;
        }

        static Entry failed(TokenExchangeException failure) {
            return new Entry(null, failure, Instant.MIN, null);
        }

        CompletableFuture<ExchangedToken> result() {
            return token != null ? CompletableFuture.completedFuture(token) : CompletableFuture.failedFuture(failure);
        }
    }

    /** A remembered {@code invalid_grant}: the exception's fields, without its stack trace. */
    private record Denial(String message, String error, String description, int status) {
    }

    /** The state of one exchange call, for its audit event. */
    private static final class Call {
        final ExchangeRequest request;
        final long start;
        String fingerprint;
        boolean fromCache;

        Call(ExchangeRequest request, long start) {
            this.request = request;
            this.start = start;
        }
    }

    /**
     * Builds a {@link TokenExchanger}; {@link #build()} checks the configuration and fails fast.
     * Required: a token endpoint ({@link #tokenEndpoint(String)} or {@link #issuer(String)}) and a
     * {@link #clientAuthentication(ClientAuthentication)}.
     */
    public static final class Builder {
        private URI tokenEndpoint;
        private String issuer;
        private ClientAuthentication clientAuthentication;
        private HttpClient httpClient = BoundedHttp.newClient();
        private Duration deadline = DEFAULT_DEADLINE;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private boolean cacheEnabled = true;
        private long maximumCacheSize = DEFAULT_MAXIMUM_CACHE_SIZE;
        private Duration cacheSkew = DEFAULT_CACHE_SKEW;
        private double refreshAhead;
        private Duration negativeCacheTtl = Duration.ZERO;
        private Duration defaultTokenLifetime = DEFAULT_TOKEN_LIFETIME;
        private Duration maxTokenLifetime = DEFAULT_MAX_TOKEN_LIFETIME;
        private AuditListener auditListener = AuditListener.slf4j();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * The token endpoint (RFC 6749 §3.2) of the backend's authorization server. Must be
         * {@code https}, except on a loopback host ({@code localhost}, any {@code 127.x.y.z} address, {@code [::1]}).
         *
         * @throws IllegalArgumentException if it is not such an absolute URI, or has a fragment or user info
         */
        public Builder tokenEndpoint(String tokenEndpoint) {
            Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
            try {
                return tokenEndpoint(new URI(tokenEndpoint));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("token endpoint is not a valid URI: " + e.getReason());
            }
        }

        /** The token endpoint; see {@link #tokenEndpoint(String)}. */
        public Builder tokenEndpoint(URI tokenEndpoint) {
            this.tokenEndpoint = requireEndpoint(tokenEndpoint, "token endpoint");
            this.issuer = null;
            return this;
        }

        /**
         * The backend authorization server's issuer identifier: its {@code token_endpoint} is
         * discovered from the RFC 8414 metadata ({@code /.well-known/oauth-authorization-server},
         * path-inserted, then appended to the issuer as Okta serves it), then from OpenID Connect
         * Discovery ({@code /.well-known/openid-configuration}), on the first exchange and within its
         * deadline; a document that cannot be used (not metadata, malformed, another issuer's) is
         * skipped, and a failed discovery is tried again on the next exchange. The metadata used must
         * name exactly this {@code issuer} (RFC 8414 §3.3).
         */
        public Builder issuer(String issuer) {
            Objects.requireNonNull(issuer, "issuer");
            URI uri;
            try {
                uri = new URI(issuer);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("issuer is not a valid URI: " + e.getReason());
            }
            requireEndpoint(uri, "issuer");
            if (uri.getRawQuery() != null) {
                throw new IllegalArgumentException("issuer must not have a query (RFC 8414 section 2)");
            }
            this.issuer = issuer;
            this.tokenEndpoint = null;
            return this;
        }

        /** How Baton authenticates to the token endpoint. Required. */
        public Builder clientAuthentication(ClientAuthentication clientAuthentication) {
            this.clientAuthentication = Objects.requireNonNull(clientAuthentication, "clientAuthentication");
            return this;
        }

        /**
         * The HTTP client for the token endpoint (and discovery), for a custom CA, proxy or mTLS.
         * Default: a shared client with a 5 s connect timeout.
         *
         * @throws IllegalArgumentException if it follows redirects: build it with
         *     {@code followRedirects(HttpClient.Redirect.NEVER)} (RFC 9700 §4.12)
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = BoundedHttp.requireNoRedirects(httpClient);
            return this;
        }

        /** The total time one exchange may take, every attempt and backoff included. Default 5 s, at most 5 minutes. */
        public Builder deadline(Duration deadline) {
            this.deadline = requireAtMost(requirePositive(deadline, "deadline"), MAX_DEADLINE, "deadline");
            return this;
        }

        /**
         * How many times one exchange may be attempted, the first included (1 disables retries).
         * Only connection errors, 5xx and 429 are retried. Default 3.
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 10, not " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The backoff before the first retry; it doubles for each further one, up to 2 s, with
         * jitter (each wait is between half and all of it). A {@code Retry-After} header, capped at
         * 10 s, lengthens a wait; a wait that would end past the deadline ends the exchange instead.
         * Default 100 ms.
         */
        public Builder retryBackoff(Duration initialBackoff) {
            this.initialBackoff = requirePositive(initialBackoff, "retry backoff");
            return this;
        }

        /**
         * The maximum number of cached tokens; the least useful are evicted beyond it. Default 50,000.
         */
        public Builder maximumCacheSize(long maximumCacheSize) {
            if (maximumCacheSize < 1) {
                throw new IllegalArgumentException("maximumCacheSize must be positive (use noCache() to disable)");
            }
            this.maximumCacheSize = maximumCacheSize;
            return this;
        }

        /**
         * How long before its expiry (or the subject token's, if earlier) a cached token stops being
         * served, so a token is never sent upstream just as it expires. Default 30 s, at most 1 hour;
         * it must be shorter than the {@linkplain #maxTokenLifetime(Duration) maximum token lifetime}.
         */
        public Builder cacheSkew(Duration cacheSkew) {
            Objects.requireNonNull(cacheSkew, "cacheSkew");
            if (cacheSkew.isNegative()) {
                throw new IllegalArgumentException("cacheSkew must not be negative");
            }
            requireAtMost(cacheSkew, MAX_CACHE_SKEW, "cacheSkew");
            this.cacheSkew = cacheSkew;
            return this;
        }

        /**
         * Refreshes a cached token in the background once this fraction of its cacheable life has
         * passed (for example 0.8); callers keep getting the current token meanwhile. Off by default.
         *
         * @param fraction strictly between 0 and 1
         */
        public Builder refreshAhead(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("refreshAhead fraction must be strictly between 0 and 1");
            }
            this.refreshAhead = fraction;
            return this;
        }

        /**
         * Remembers an {@code invalid_grant} answer for this long, so a client retrying with a
         * revoked token does not hammer the token endpoint. Off by default; at most 5 minutes.
         */
        public Builder negativeCache(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("negative cache duration must be between 0 and 5 minutes");
            }
            this.negativeCacheTtl = ttl;
            return this;
        }

        /** Turns the cache off: every exchange calls the token endpoint. */
        public Builder noCache() {
            this.cacheEnabled = false;
            return this;
        }

        /**
         * The lifetime assumed when a response has no usable {@code expires_in} (missing, zero,
         * negative, not a number). Default 60 s.
         */
        public Builder defaultTokenLifetime(Duration lifetime) {
            this.defaultTokenLifetime = requirePositive(lifetime, "default token lifetime");
            return this;
        }

        /** The longest {@code expires_in} believed; a larger value is capped to it. Default 1 hour, at most 1 day. */
        public Builder maxTokenLifetime(Duration lifetime) {
            this.maxTokenLifetime = requireAtMost(requirePositive(lifetime, "maximum token lifetime"),
                    MAX_MAX_TOKEN_LIFETIME, "maximum token lifetime");
            return this;
        }

        /** Receives one event per exchange. Default {@link AuditListener#slf4j()}. */
        public Builder auditListener(AuditListener auditListener) {
            this.auditListener = Objects.requireNonNull(auditListener, "auditListener");
            return this;
        }

        /** The clock for token expiry, cache expiry and client assertions. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The exchanger. Performs no network call.
         *
         * @throws IllegalStateException if no token endpoint or issuer, or no client authentication,
         *     was set, the default token lifetime exceeds the maximum, or the cache skew is not
         *     shorter than the maximum token lifetime
         */
        public TokenExchanger build() {
            if (tokenEndpoint == null && issuer == null) {
                throw new IllegalStateException("a token endpoint or an issuer is required");
            }
            if (clientAuthentication == null) {
                throw new IllegalStateException("client authentication is required");
            }
            if (defaultTokenLifetime.compareTo(maxTokenLifetime) > 0) {
                throw new IllegalStateException("the default token lifetime exceeds the maximum token lifetime");
            }
            if (cacheSkew.compareTo(maxTokenLifetime) >= 0) {
                // No token could ever be served from the cache.
                throw new IllegalStateException("the cache skew must be shorter than the maximum token lifetime");
            }
            Function<Duration, CompletableFuture<URI>> endpoint;
            if (tokenEndpoint != null) {
                CompletableFuture<URI> fixed = CompletableFuture.completedFuture(tokenEndpoint);
                endpoint = timeout -> fixed;
            } else {
                endpoint = new DiscoveredTokenEndpoint(issuer, httpClient,
                        uri -> requireEndpoint(uri, "discovered token endpoint"), DISCOVERY_EXECUTOR);
            }
            return new TokenExchanger(this, endpoint);
        }

        private static Duration requireAtMost(Duration d, Duration max, String what) {
            if (d.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be at most " + max);
            }
            return d;
        }

        private static Duration requirePositive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }

        static URI requireEndpoint(URI uri, String what) {
            Objects.requireNonNull(uri, what);
            if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                // Checked first, and the URI not shown: user info could hold a password.
                throw new IllegalArgumentException(what + " must have no fragment and no user info");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw new IllegalArgumentException(what + " must be an absolute https URI: " + uri);
            }
            if (scheme.equals("http") && !Endpoints.isLoopback(uri.getHost())) {
                // Client credentials and user tokens travel in this request: TLS is mandatory (RFC 6749 §3.2).
                throw new IllegalArgumentException(what + " must use https (plain http is accepted only for"
                        + " loopback hosts): " + uri);
            }
            return uri;
        }

    }
}
