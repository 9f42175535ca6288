package dev.baton;

import static dev.baton.internal.Checks.requireArgument;
import static dev.baton.internal.Checks.requireAtMost;
import static dev.baton.internal.Checks.requireBetween;
import static dev.baton.internal.Checks.requireNotNegative;
import static dev.baton.internal.Checks.requirePositive;
import static dev.baton.internal.Checks.requireState;
import static dev.baton.internal.exchange.ExchangerSettings.MAX_CACHE_SKEW;
import static dev.baton.internal.exchange.ExchangerSettings.MAX_DEADLINE;
import static dev.baton.internal.exchange.ExchangerSettings.MAX_MAX_TOKEN_LIFETIME;
import static dev.baton.internal.exchange.ExchangerSettings.MAX_NEGATIVE_CACHE;

import dev.baton.internal.Endpoints;
import dev.baton.internal.dpop.DPoPBinding;
import dev.baton.internal.exchange.ExchangeService;
import dev.baton.internal.exchange.ExchangerSettings;
import dev.baton.internal.exchange.RetryPolicy;
import dev.baton.internal.http.BoundedHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exchanges a user's token for a token to a backend (OAuth 2.0 Token Exchange, RFC 8693), with a
 * per-user cache. Thread-safe: build one per backend authorization server, share it, and
 * {@linkplain #close() close} it when the application stops.
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
 * <p><b>The call</b> is one RFC 8693 §2.1 form POST: no redirect followed, no HTTP cache, a size cap, a total
 * {@linkplain Builder#deadline(Duration) deadline}; only connection errors, 5xx and 429 are retried. The
 * response must carry a string {@code access_token}, an {@code issued_token_type} (RFC 8693 §2.2.1) and,
 * unless another type was requested, {@code token_type} Bearer (RFC 6749 §7.1). Every failure is a
 * {@link TokenExchangeException}; the incoming token is never returned in place of an exchanged one.
 *
 * <p><b>The cache</b> ({@link Builder#noCache()} turns it off) keys entries by the SHA-256 of the subject and
 * actor tokens plus the token types, audiences, resources and scopes (in any order) and the requested type.
 * An entry is served until the earlier of the exchanged and the subject token's expiry minus the
 * {@linkplain Builder#cacheSkew(Duration) skew}, never later. Concurrent calls for one key share one token
 * endpoint call and its result or failure. Failures are not cached, but for a negative cache of
 * {@code invalid_grant}. Behind it, a fleet's replicas may share a second-level cache
 * ({@link Builder#sharedCache(SharedTokenCache)}, for example {@code baton-redis}), so that the fleet
 * makes one token endpoint call per key.
 *
 * <p><b>Audit.</b> Every {@link #exchange} or {@link #exchangeAsync} call produces one {@link ExchangeEvent},
 * never carrying a token, whose {@link ExchangeEvent#source() source} says whether the call reached the token
 * endpoint (only then is there an HTTP status), was served from the cache, or joined another call's exchange.
 * A background refresh has an event of its own: each token endpoint call is audited exactly once.
 *
 * <p><b>DPoP</b> ({@link Builder#dpop()}, RFC 9449): every token request then carries a fresh proof signed
 * by the exchanger's {@link DPoPKey}, and the issued tokens are bound to that key ({@link
 * ExchangedToken#isDPoPBound()}), useless to anyone who steals them without it. A {@code 400
 * use_dpop_nonce} with a {@code DPoP-Nonce} header is answered once with the nonce, within the same
 * deadline; the latest nonce the authorization server sent is used for the next requests (RFC 9449 §8).
 */
public final class TokenExchanger implements AutoCloseable {
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

    private final ExchangeService service;
    private final Duration deadline;
    private final DPoPKey dpopKey;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TokenExchanger(ExchangerSettings s, DPoPKey dpopKey) {
        this.service = new ExchangeService(s);
        this.deadline = s.deadline();
        this.dpopKey = dpopKey;
        this.description = "TokenExchanger[client_id=" + s.credentials().clientId() + ", deadline=" + s.deadline()
                + ", cache=" + (s.cacheEnabled() ? "on, skew=" + s.cacheSkew() : "off")
                + (dpopKey == null ? "" : ", dpop=" + dpopKey.algorithm() + " jkt=" + dpopKey.thumbprint()
                        + (s.dpop().acceptBearer() ? " (Bearer accepted)" : "")) + "]";
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Exchanges the request's subject token, from the cache when a usable entry exists. Blocks at most
     * about the configured deadline.
     *
     * @throws TokenExchangeException if no token could be obtained: an OAuth error response ({@link
     *     TokenExchangeException#error()}), an unusable response, the deadline, the network after the
     *     retries, or an interrupt (the thread's interrupt flag is kept)
     * @throws IllegalStateException if this exchanger is closed
     */
    public ExchangedToken exchange(ExchangeRequest request) throws TokenExchangeException {
        // The exchange ends itself at the deadline; the margin only guards against a stuck client.
        return exchange(request, deadline.plusSeconds(2));
    }

    /**
     * As {@link #exchange(ExchangeRequest)}, waiting at most {@code maxWait}, for a caller whose own
     * budget (an HTTP call's remaining timeout) is shorter than the deadline. When the wait ends
     * first, this caller gets a retryable failure; the exchange goes on for any caller sharing it
     * and, if it succeeds, fills the cache for the next call.
     *
     * @param maxWait how long this call may block; zero or negative means no wait at all (a cached
     *     token is still returned)
     * @throws TokenExchangeException as {@link #exchange(ExchangeRequest)}, or when {@code maxWait}
     *     ran out ({@link TokenExchangeException#isRetryable()} true)
     * @throws IllegalStateException if this exchanger is closed
     */
    public ExchangedToken exchange(ExchangeRequest request, Duration maxWait) throws TokenExchangeException {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(request, "request");
        requireOpen();
        return service.exchangeAndWait(request, request.subjectHash(), maxWait);
    }

    /**
     * The non-blocking {@link #exchange}: the future completes with the token or fails with a
     * {@link TokenExchangeException}; no thread waits for the token endpoint or a backoff.
     * Cancelling it does not cancel an exchange other callers share.
     *
     * @throws IllegalStateException if this exchanger is closed (thrown: the future fails only with
     *     a {@link TokenExchangeException}, and using a closed exchanger is a programming error)
     */
    public CompletableFuture<ExchangedToken> exchangeAsync(ExchangeRequest request) {
        Objects.requireNonNull(request, "request");
        requireOpen();
        return service.exchange(request, request.subjectHash());
    }

    /**
     * Drops the cached token for this request, if any, so the next exchange calls the token endpoint.
     * Call it when the backend rejected the token (HTTP 401). An exchange in flight is not affected.
     *
     * @throws IllegalStateException if this exchanger is closed
     */
    public void invalidate(ExchangeRequest request) {
        Objects.requireNonNull(request, "request");
        requireOpen();
        service.invalidate(request, request.subjectHash(), null);
    }

    /**
     * Drops the cached token for this request only if it is {@code rejectedAccessToken}, here and in
     * the {@linkplain Builder#sharedCache shared cache}: the call to make when the backend rejected
     * that token (HTTP 401). When several calls are rejected at once and one of them already got a
     * fresh token, the others do not erase it, in this process or across the fleet. An exchange in
     * flight is not affected.
     *
     * @param rejectedAccessToken the access token the backend rejected
     * @throws IllegalStateException if this exchanger is closed
     */
    public void invalidate(ExchangeRequest request, String rejectedAccessToken) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(rejectedAccessToken, "rejectedAccessToken");
        requireOpen();
        service.invalidate(request, request.subjectHash(), rejectedAccessToken);
    }

    /**
     * The key this exchanger's tokens are bound to (RFC 9449), empty when it does not use DPoP. An
     * HTTP client sends a {@linkplain ExchangedToken#isDPoPBound() DPoP-bound} token with a fresh
     * {@linkplain DPoPKey#proof proof} of this key per request; {@code TokenExchangeInterceptor} does it.
     */
    public Optional<DPoPKey> dpopKey() {
        return Optional.ofNullable(dpopKey);
    }

    /**
     * The cache counters so far (all zero but misses, loads and failures when the cache is off).
     * Still readable after {@link #close()}.
     */
    public ExchangeCacheStats cacheStats() {
        return service.stats();
    }

    /**
     * Releases the HTTP client the exchanger created (never one {@linkplain Builder#httpClient given}
     * to it) and its hold on Baton's timer threads; fails the exchanges still waiting for the token
     * endpoint, cancels refresh-ahead work and drops the cached tokens. A thread in {@link #exchange}
     * that is sending the token request itself (the call that started the exchange) gets the same
     * failure once the token endpoint answers or the deadline passes. Idempotent; afterwards
     * {@link #exchange}, {@link #exchangeAsync} and {@link #invalidate} throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            service.close();
        }
    }

    /** Shows the client id and the configuration; never a secret. */
    @Override
    public String toString() {
        return description;
    }

    private void requireOpen() {
        requireState(!closed.get(), "the token exchanger is closed");
    }

    /**
     * Builds a {@link TokenExchanger}; {@link #build()} checks the configuration and fails fast.
     * Required: a {@link #tokenEndpoint(String)} or {@link #issuer(String)}, and a
     * {@link #clientAuthentication}. Setters throw {@link IllegalArgumentException} for a bad value.
     */
    public static final class Builder {
        private URI tokenEndpoint;
        private String issuer;
        private ClientAuthentication clientAuthentication;
        private HttpClient httpClient;
        private Duration deadline = DEFAULT_DEADLINE;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = RetryPolicy.DEFAULT_INITIAL_BACKOFF;
        private boolean cacheEnabled = true;
        private long maximumCacheSize = DEFAULT_MAXIMUM_CACHE_SIZE;
        private Duration cacheSkew = DEFAULT_CACHE_SKEW;
        private double refreshAhead;
        private Duration negativeCacheTtl = Duration.ZERO;
        private Duration defaultTokenLifetime = DEFAULT_TOKEN_LIFETIME;
        private Duration maxTokenLifetime = DEFAULT_MAX_TOKEN_LIFETIME;
        private AuditListener auditListener = AuditListener.slf4j();
        private EndpointObserver endpointObserver = EndpointObserver.none();
        private Clock clock = Clock.systemUTC();
        private boolean dpop;
        private DPoPKey dpopKey;
        private boolean acceptBearerDowngrade;
        private SharedTokenCache sharedCache;

        private Builder() {
        }

        /**
         * The token endpoint (RFC 6749 §3.2): {@code https}, or {@code http} to a loopback host ({@code localhost},
         * {@code 127.x.y.z}, {@code [::1]}); no fragment or user info. Replaces an earlier value or issuer.
         */
        public Builder tokenEndpoint(String tokenEndpoint) {
            return tokenEndpoint(Endpoints.requireSecure(tokenEndpoint, "token endpoint"));
        }

        /** The token endpoint; see {@link #tokenEndpoint(String)}. */
        public Builder tokenEndpoint(URI tokenEndpoint) {
            this.tokenEndpoint = Endpoints.requireSecure(tokenEndpoint, "token endpoint");
            this.issuer = null;
            return this;
        }

        /**
         * The issuer whose metadata names the token endpoint (same URL rule, no query: RFC 8414 §2),
         * discovered on the first exchange within its deadline: RFC 8414 (path-inserted, then appended
         * as Okta serves it), then OpenID Connect Discovery; the document must name exactly this issuer
         * (RFC 8414 §3.3). A failed discovery is tried again by the next exchange. Replaces an earlier
         * value or token endpoint.
         */
        public Builder issuer(String issuer) {
            URI uri = Endpoints.requireSecure(issuer, "issuer");
            requireArgument(uri.getRawQuery() == null, "issuer must not have a query (RFC 8414 section 2)");
            this.issuer = issuer;
            this.tokenEndpoint = null;
            return this;
        }

        /** How Baton authenticates to the token endpoint. Required. Replaces an earlier value. */
        public Builder clientAuthentication(ClientAuthentication clientAuthentication) {
            this.clientAuthentication = Objects.requireNonNull(clientAuthentication, "clientAuthentication");
            return this;
        }

        /**
         * The HTTP client for the token endpoint and discovery (custom CA, proxy, mTLS), never closed by
         * the exchanger; it must not follow redirects (RFC 9700 §4.12). Default: one of the exchanger's
         * own, released by {@link TokenExchanger#close()}. Replaces an earlier value.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = BoundedHttp.requireNoRedirects(httpClient);
            return this;
        }

        /** One exchange's total time, all attempts included. Default 5 s, at most 5 min. Replaces an earlier value. */
        public Builder deadline(Duration deadline) {
            this.deadline = requireAtMost(requirePositive(deadline, "deadline"), MAX_DEADLINE, "deadline");
            return this;
        }

        /** Attempts per exchange, the first included (1: no retry). Default 3, at most 10. Replaces an earlier one. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = requireBetween(maxAttempts, 1, 10, "maxAttempts");
            return this;
        }

        /**
         * The backoff before the first retry, doubled for each further one up to 2 s, with jitter; a
         * {@code Retry-After} up to 10 s lengthens it (RFC 9110 §10.2.3), and a wait past the deadline
         * ends the exchange instead. Default 100 ms. Replaces an earlier value.
         */
        public Builder retryBackoff(Duration initialBackoff) {
            this.initialBackoff = requirePositive(initialBackoff, "retry backoff");
            return this;
        }

        /** The most cached tokens; the least useful are evicted beyond. Default 50,000. Replaces an earlier value. */
        public Builder maximumCacheSize(long maximumCacheSize) {
            requireArgument(maximumCacheSize >= 1, "maximumCacheSize must be positive (use noCache() to disable)");
            this.maximumCacheSize = maximumCacheSize;
            return this;
        }

        /**
         * How long before its expiry (or the subject token's, if earlier) a cached token stops being served.
         * Default 30 s, at most 1 hour and below {@link #maxTokenLifetime(Duration)}. Replaces an earlier value.
         */
        public Builder cacheSkew(Duration cacheSkew) {
            this.cacheSkew = requireAtMost(requireNotNegative(cacheSkew, "cacheSkew"), MAX_CACHE_SKEW, "cacheSkew");
            return this;
        }

        /**
         * Refreshes a cached token in the background once this fraction (strictly between 0 and 1, e.g.
         * 0.8) of its cacheable life has passed; callers get the current one meanwhile. Off by default.
         * Replaces an earlier value.
         */
        public Builder refreshAhead(double fraction) {
            requireArgument(fraction > 0 && fraction < 1, "refreshAhead fraction must be strictly between 0 and 1");
            this.refreshAhead = fraction;
            return this;
        }

        /**
         * Remembers an {@code invalid_grant} this long, so a client retrying a revoked token does not hammer
         * the token endpoint. Default zero (off), at most 5 minutes. Replaces an earlier value.
         */
        public Builder negativeCache(Duration ttl) {
            this.negativeCacheTtl = requireAtMost(requireNotNegative(ttl, "negative cache duration"),
                    MAX_NEGATIVE_CACHE, "negative cache duration");
            return this;
        }

        /** Turns the cache off: every exchange calls the token endpoint. */
        public Builder noCache() {
            this.cacheEnabled = false;
            return this;
        }

        /** The lifetime assumed without a usable {@code expires_in}. Default 60 s. Replaces an earlier value. */
        public Builder defaultTokenLifetime(Duration lifetime) {
            this.defaultTokenLifetime = requirePositive(lifetime, "default token lifetime");
            return this;
        }

        /** The longest {@code expires_in} believed. Default 1 hour, at most 1 day. Replaces an earlier value. */
        public Builder maxTokenLifetime(Duration lifetime) {
            this.maxTokenLifetime = requireAtMost(requirePositive(lifetime, "maximum token lifetime"),
                    MAX_MAX_TOKEN_LIFETIME, "maximum token lifetime");
            return this;
        }

        /** Receives one event per exchange. Default {@link AuditListener#slf4j()}. Replaces an earlier value. */
        public Builder auditListener(AuditListener auditListener) {
            this.auditListener = Objects.requireNonNull(auditListener, "auditListener");
            return this;
        }

        /**
         * Told of every HTTP call to the authorization server: each token endpoint attempt (every
         * retry its own call) and discovery (for metrics, traces, health). Default
         * {@link EndpointObserver#none()}. Replaces an earlier value; combine several with
         * {@link EndpointObserver#of}.
         */
        public Builder endpointObserver(EndpointObserver observer) {
            this.endpointObserver = Objects.requireNonNull(observer, "endpointObserver");
            return this;
        }

        /** The clock for expiry and client assertions. Default: the system UTC clock. Replaces an earlier value. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Binds the issued tokens to a DPoP key (RFC 9449 §5) generated when the exchanger is built: an
         * EC P-256 key signing ES256 proofs, which lives as long as the exchanger. Each token request
         * carries a fresh proof; the authorization server must answer {@code token_type} DPoP (see
         * {@link #acceptBearerDowngrade()}). Required by an authorization server that demands DPoP
         * from this client (Okta: "Require Demonstrating Proof of Possession (DPoP) header in token
         * requests"). Replaces an earlier {@link #dpop(DPoPKey)}.
         */
        public Builder dpop() {
            this.dpop = true;
            this.dpopKey = null;
            return this;
        }

        /**
         * Binds the issued tokens to the application's DPoP key, as {@link #dpop()} does with a
         * generated one: for a key in a hardware module, or shared by instances that share tokens.
         * Replaces an earlier value.
         */
        public Builder dpop(DPoPKey key) {
            this.dpopKey = Objects.requireNonNull(key, "key");
            this.dpop = true;
            return this;
        }

        /**
         * With DPoP, also accepts a {@code token_type} Bearer answer: an authorization server that
         * does not require DPoP from this client may ignore the proof and issue a Bearer token (RFC
         * 9449 §5), usable by anyone who obtains it. The {@link ExchangedToken} says which it got
         * ({@link ExchangedToken#isDPoPBound()}). Off by default: such an answer is a failure.
         */
        public Builder acceptBearerDowngrade() {
            this.acceptBearerDowngrade = true;
            return this;
        }

        /**
         * A second-level cache shared by the replicas of a fleet (for example {@code RedisTokenCache}
         * from {@code baton-redis}), behind this exchanger's own cache: on a local miss the token
         * comes from it, from another replica's exchange it waits for, or from this exchanger's own
         * exchange, which it stores for the others; refresh-ahead and invalidation act on it too. A
         * failure or a slow answer of the shared cache never fails an exchange: this exchanger then
         * calls the token endpoint itself, within its {@linkplain #deadline(Duration) deadline}. The
         * exchanger never closes it. Default: none. Replaces an earlier value.
         */
        public Builder sharedCache(SharedTokenCache sharedCache) {
            this.sharedCache = Objects.requireNonNull(sharedCache, "sharedCache");
            return this;
        }

        /**
         * The exchanger; performs no network call.
         *
         * @throws IllegalStateException if no token endpoint or issuer, or no client authentication, was
         *     set, the default token lifetime or the cache skew is not below the maximum token lifetime,
         *     {@link #acceptBearerDowngrade()} was set without DPoP, or a shared cache was set with
         *     {@link #noCache()}
         */
        public TokenExchanger build() {
            requireState(tokenEndpoint != null || issuer != null, "a token endpoint or an issuer is required");
            requireState(clientAuthentication != null, "client authentication is required");
            requireState(defaultTokenLifetime.compareTo(maxTokenLifetime) <= 0,
                    "the default token lifetime exceeds the maximum token lifetime");
            // Otherwise no token could ever be served from the cache.
            requireState(cacheSkew.compareTo(maxTokenLifetime) < 0,
                    "the cache skew must be shorter than the maximum token lifetime");
            // The shared cache sits behind the local one: without it, it would answer every call.
            requireState(sharedCache == null || cacheEnabled, "a shared cache needs the cache on (noCache() was set)");
            requireState(dpop || !acceptBearerDowngrade, "acceptBearerDowngrade() applies only with dpop()");
            DPoPKey key = dpop && dpopKey == null ? DPoPKey.generate() : dpopKey;
            DPoPBinding policy = key == null ? DPoPBinding.OFF : new DPoPBinding(key.signer(), acceptBearerDowngrade);
            return new TokenExchanger(new ExchangerSettings(tokenEndpoint, issuer, clientAuthentication.credentials(),
                    httpClient, endpointObserver, deadline, RetryPolicy.of(maxAttempts, initialBackoff), MAX_RESPONSE_BYTES,
                    cacheEnabled, maximumCacheSize, cacheSkew, refreshAhead, negativeCacheTtl, defaultTokenLifetime,
                    maxTokenLifetime, auditListener, clock, policy, sharedCache), key);
        }
    }
}
