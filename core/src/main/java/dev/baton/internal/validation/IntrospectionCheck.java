package dev.baton.internal.validation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.TokenValidationException;
import dev.baton.ValidatedToken;
import dev.baton.internal.TokenHash;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Validates an opaque token by RFC 7662 introspection: only the authorization server can judge it
 * (RFC 7662 §2). Bounded three ways, so a flood of opaque tokens cannot tie up threads or the
 * authorization server: concurrent validations of one token share one request, at most
 * {@link ValidatorSettings#maxConcurrentIntrospections()} requests are in flight (beyond that,
 * fail closed at once rather than queue), and an {@code active: false} answer is remembered
 * briefly. An active answer passes the same claim-type, token-kind, issuer, time and audience
 * checks as a JWT. Not API.
 */
final class IntrospectionCheck {
    /** How long an {@code active: false} answer is remembered at most. */
    static final Duration MAX_INACTIVE_CACHE_LIFETIME = Duration.ofSeconds(10);
    /** How many {@code active: false} answers are remembered at most. */
    static final int MAX_INACTIVE_CACHE_SIZE = 10_000;

    private final Introspector introspector;
    private final RegisteredClaims registered;
    private final ClaimsCheck claims;
    private final ValidatedTokenFactory tokens;
    private final Rejections reject;
    private final Duration cacheLifetime;
    private final Duration httpTimeout;
    private final Semaphore permits;
    private final ConcurrentHashMap<TokenHash, CompletableFuture<Map<String, Object>>> inFlight =
            new ConcurrentHashMap<>();
    private final Cache<TokenHash, Boolean> inactiveTokens;

    IntrospectionCheck(Introspector introspector, ValidatorSettings s, RegisteredClaims registered, ClaimsCheck claims,
            ValidatedTokenFactory tokens, Rejections reject) {
        this.introspector = introspector;
        this.registered = registered;
        this.claims = claims;
        this.tokens = tokens;
        this.reject = reject;
        this.cacheLifetime = s.introspectionCacheLifetime();
        this.httpTimeout = s.httpTimeout();
        this.permits = new Semaphore(s.maxConcurrentIntrospections());
        Duration negativeTtl = cacheLifetime.compareTo(MAX_INACTIVE_CACHE_LIFETIME) < 0
                ? cacheLifetime : MAX_INACTIVE_CACHE_LIFETIME;
        // A short memory of active=false, so a client replaying a revoked opaque token does not
        // cost an introspection request each time. Keyed by hash, bounded, timed on the clock.
        this.inactiveTokens = negativeTtl.isZero() ? null : Caffeine.newBuilder()
                .maximumSize(MAX_INACTIVE_CACHE_SIZE)
                .expireAfterWrite(negativeTtl)
                .ticker(() -> {
                    Instant now = s.clock().instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                })
                .executor(Runnable::run)
                .build();
    }

    /**
     * The validated token of an active introspection answer. Records the claims in
     * {@code attempt} as soon as they are known.
     */
    ValidatedToken check(String token, TokenHash hash, Instant now, Attempt attempt)
            throws TokenValidationException {
        if (inactiveTokens != null && inactiveTokens.getIfPresent(hash) != null) {
            throw reject.invalid("token is not active");
        }
        Map<String, Object> answer;
        try {
            answer = introspectOnce(token, hash);
        } catch (Introspector.InactiveTokenException e) {
            if (inactiveTokens != null) {
                inactiveTokens.put(hash, Boolean.TRUE);
            }
            throw reject.invalid("token is not active");
        } catch (IOException e) {
            throw reject.unavailable(e);
        }
        // RFC 7662 §2.2 gives each member its type; exp, iat and nbf are NumericDates in range.
        RegisteredClaims.Times times = registered.check(answer);
        // Nested members of the answer may be shared with concurrent callers of the same token: copied.
        ValidatedToken v = tokens.create(token, ClaimMaps.copy(answer), hash);
        attempt.claims = v;
        // RFC 6749 §1.5: a refresh token (or an ID token) is never accepted as an access token.
        AccessTokenKind.require(answer, reject);
        // RFC 7662 §2.2 makes iss and exp optional in the answer: checked when present.
        if (v.issuer() != null) {
            claims.requireIssuer(v.issuer());
        }
        if (times.exp() != null) {
            claims.requireUnexpired(times.exp(), now);
        }
        claims.requireNotBefore(times.nbf(), now);
        // Fail closed: an introspection answer must name this resource as an audience too.
        claims.requireAudience(v.audiences());
        return v;
    }

    /** Until when an accepted answer may be reused: its {@code exp}, but never beyond the configured lifetime. */
    Instant reusableUntil(ValidatedToken v, Instant now) {
        Instant limit = now.plus(cacheLifetime);
        return v.expiresAt() == null || v.expiresAt().isAfter(limit) ? limit : v.expiresAt();
    }

    private Map<String, Object> introspectOnce(String token, TokenHash hash)
            throws IOException, Introspector.InactiveTokenException {
        CompletableFuture<Map<String, Object>> mine = new CompletableFuture<>();
        CompletableFuture<Map<String, Object>> theirs = inFlight.putIfAbsent(hash, mine);
        if (theirs != null) {
            return awaitShared(theirs);
        }
        try {
            if (!permits.tryAcquire()) {
                IOException busy = new IOException("too many introspection requests in flight");
                mine.completeExceptionally(busy);
                throw busy;
            }
            try {
                Map<String, Object> answer = introspector.introspect(token);
                mine.complete(answer);
                return new LinkedHashMap<>(answer);
            } finally {
                permits.release();
            }
        } catch (IOException | Introspector.InactiveTokenException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(hash, mine);
        }
    }

    private Map<String, Object> awaitShared(CompletableFuture<Map<String, Object>> shared)
            throws IOException, Introspector.InactiveTokenException {
        try {
            // The sharing call is itself bounded by the HTTP timeout; the margin only guards against a stuck one.
            return new LinkedHashMap<>(shared.get(httpTimeout.toNanos() * 2, TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Introspector.InactiveTokenException inactive) {
                throw inactive;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("introspection failed", cause);
        } catch (TimeoutException e) {
            throw new IOException("introspection did not finish in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for introspection");
        }
    }
}
