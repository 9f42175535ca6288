package dev.baton.internal.validation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.AuditContext;
import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.ValidationEvent;
import dev.baton.internal.Endpoints;
import dev.baton.internal.Nanos;
import dev.baton.internal.Listeners;
import dev.baton.internal.discovery.LazyMetadata;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Validates tokens of one issuer: signed JWT access tokens (RFC 9068, RFC 8725) against the
 * issuer's JWKS, and, when configured, opaque tokens by RFC 7662 introspection. Verified tokens
 * are kept in a bounded cache keyed by the SHA-256 of the token, so a token seen moments ago is
 * accepted without another signature check. Emits exactly one audit event per call. Not API.
 */
public final class DefaultTokenValidator implements TokenValidator {
    /** How long an {@code active: false} answer is remembered at most. */
    static final Duration MAX_INACTIVE_CACHE_LIFETIME = Duration.ofSeconds(10);
    /** How many {@code active: false} answers are remembered at most. */
    static final int MAX_INACTIVE_CACHE_SIZE = 10_000;
    private static final Set<String> ACCEPTED_TYPES = Set.of("at+jwt", "application/at+jwt", "jwt");
    private static final Set<String> STRICT_TYPES = Set.of("at+jwt", "application/at+jwt");
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    private final ValidatorSettings s;
    private final JwksCache jwks;
    private final Introspector introspector;
    private final Cache<TokenHash, Entry> cache;
    private final Semaphore introspectionPermits;
    private final ConcurrentHashMap<TokenHash, CompletableFuture<Map<String, Object>>> introspectionsInFlight =
            new ConcurrentHashMap<>();
    private final Cache<TokenHash, Boolean> inactiveTokens;

    /** A validator for one issuer; {@code settings} have been checked by the builder. */
    public DefaultTokenValidator(ValidatorSettings settings) {
        this.s = settings;
        boolean needsDiscovery = settings.jwksUri() == null
                || (settings.introspection() && settings.introspectionEndpoint() == null);
        LazyMetadata metadata = needsDiscovery
                ? new LazyMetadata(settings.httpClient(), settings.issuer(), settings.clock(), settings.httpTimeout())
                : null;
        JwksCache.UriSource jwksUri = settings.jwksUri() != null ? settings::jwksUri : () -> {
            URI u = metadata.get().getJWKSetURI();
            if (u == null) {
                throw new IOException("the issuer's metadata has no jwks_uri");
            }
            return requireSecure(u, "jwks_uri");
        };
        this.jwks = new JwksCache(settings.httpClient(), jwksUri, settings.clock(), settings.httpTimeout());
        if (settings.introspection()) {
            JwksCache.UriSource endpoint = settings.introspectionEndpoint() != null ? settings::introspectionEndpoint
                    : () -> {
                        URI u = metadata.get().getIntrospectionEndpointURI();
                        if (u == null) {
                            throw new IOException("the issuer's metadata has no introspection_endpoint");
                        }
                        return requireSecure(u, "introspection_endpoint");
                    };
            this.introspector = new Introspector(settings.httpClient(), endpoint, settings.introspectionAuth(),
                    settings.clock(), settings.httpTimeout());
        } else {
            this.introspector = null;
        }
        this.introspectionPermits = new Semaphore(settings.maxConcurrentIntrospections());
        Duration negativeTtl = settings.introspectionCacheLifetime().compareTo(MAX_INACTIVE_CACHE_LIFETIME) < 0
                ? settings.introspectionCacheLifetime() : MAX_INACTIVE_CACHE_LIFETIME;
        // A short memory of active=false, so a client replaying a revoked opaque token does not
        // cost an introspection request each time. Keyed by hash, bounded, timed on the clock.
        this.inactiveTokens = !settings.introspection() || negativeTtl.isZero() ? null : Caffeine.newBuilder()
                .maximumSize(MAX_INACTIVE_CACHE_SIZE)
                .expireAfterWrite(negativeTtl)
                .ticker(() -> {
                    Instant now = settings.clock().instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                })
                .executor(Runnable::run)
                .build();
        this.cache = settings.cacheSize() == 0 ? null : Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .expireAfter(new Expiry<TokenHash, Entry>() {
                    @Override
                    public long expireAfterCreate(TokenHash key, Entry value, long currentTime) {
                        return remaining(value);
                    }

                    @Override
                    public long expireAfterUpdate(TokenHash key, Entry value, long currentTime, long currentDuration) {
                        return remaining(value);
                    }

                    @Override
                    public long expireAfterRead(TokenHash key, Entry value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /**
     * A discovered URL must meet the rule the builder applies to configured ones (https, or http to
     * a loopback host): metadata served over loopback http must not send tokens to a remote host in
     * the clear. Fails closed; the URL is not shown, it is remote text.
     */
    private static URI requireSecure(URI u, String what) throws IOException {
        if (!Endpoints.isSecure(u) || u.getRawUserInfo() != null) {
            throw new IOException("the issuer's metadata has an unacceptable " + what
                    + " (https required, plain http only on a loopback host)");
        }
        return u;
    }

    private long remaining(Entry e) {
        // Saturating and capped: a far-future exp (year 2500) must not overflow into a rejection.
        return Nanos.untilCapped(s.clock().instant(), e.notAfter());
    }

    /** The configured issuer. */
    @Override
    public Optional<String> issuer() {
        return Optional.of(s.issuer());
    }

    /** The configured required scopes. */
    @Override
    public Set<String> requiredScopes() {
        return s.requiredScopes();
    }

    /** The longest token this validator reads. */
    public int maxTokenLength() {
        return s.maxTokenLength();
    }

    @Override
    public ValidatedToken validate(String token, AuditContext context) throws TokenValidationException {
        long started = System.nanoTime();
        Attempt a = new Attempt();
        try {
            ValidatedToken v = check(token, a);
            emit(a, v, null, started, context);
            return v;
        } catch (TokenValidationException e) {
            emit(a, a.claims, e, started, context);
            throw e;
        } catch (RuntimeException e) {
            // Nimbus and the JDK may throw unchecked exceptions on hostile input; the contract is
            // invalid_token, never an unchecked exception (SECURITY-CASES 5).
            TokenValidationException x = new TokenValidationException(BearerError.INVALID_TOKEN,
                    "token is malformed", s.requiredScopes(), false, null);
            emit(a, a.claims, x, started, context);
            throw x;
        }
    }

    private ValidatedToken check(String token, Attempt a) throws TokenValidationException {
        if (token == null || token.isEmpty()) {
            throw invalid("token is missing");
        }
        if (token.length() > s.maxTokenLength()) {
            throw invalid("token is too long");
        }
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isB64Token(c)) {
                // RFC 6750 §2.1 b64token: no whitespace, no control or non-ASCII characters.
                a.fingerprint = ValidatedToken.fingerprintOf(token);
                throw invalid("token is malformed");
            }
        }
        byte[] digest = SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII));
        a.fingerprint = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 8));
        TokenHash hash = TokenHash.of(digest);
        Instant now = s.clock().instant();
        if (cache != null) {
            Entry e = cache.getIfPresent(hash);
            if (e != null) {
                if (now.isBefore(e.notAfter()) && e.token().value().equals(token)) {
                    a.fromCache = true;
                    a.claims = e.token();
                    return requireScopes(e.token());
                }
                cache.invalidate(hash);
            }
        }
        ValidatedToken v;
        Instant notAfter;
        if (dots == 2) {
            v = checkJwt(token, now, a);
            notAfter = v.expiresAt();
        } else if (dots == 4) {
            throw invalid("encrypted tokens are not accepted");
        } else if (introspector != null) {
            // Anything that is not a compact JWS or JWE is opaque to us, dots or not (Ory issues
            // "ory_at_<payload>.<signature>"): only the authorization server can judge it (RFC 7662 §2).
            v = introspect(token, hash, now, a);
            Instant limit = now.plus(s.introspectionCacheLifetime());
            notAfter = v.expiresAt() == null || v.expiresAt().isAfter(limit) ? limit : v.expiresAt();
        } else if (dots == 0) {
            throw invalid("token is not a signed JWT");
        } else {
            throw invalid("token is malformed");
        }
        if (cache != null && notAfter != null && now.isBefore(notAfter)) {
            cache.put(hash, new Entry(v, notAfter));
        }
        return requireScopes(v);
    }

    private ValidatedToken checkJwt(String token, Instant now, Attempt a) throws TokenValidationException {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw invalid("token is malformed");
        }
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!s.algorithms().contains(alg)) {
            // RFC 8725 §3.1-3.2: only the configured asymmetric algorithms; never none, never HMAC.
            throw invalid("token is signed with an algorithm that is not allowed");
        }
        JOSEObjectType typ = header.getType();
        if (!typeAccepted(typ)) {
            throw invalid("token type is not accepted");
        }
        if (header.getContentType() != null) {
            // RFC 8725 §2.8: a nested JWT (cty JWT) or any other wrapped content is not an access token.
            throw invalid("nested tokens are not accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("token claims are malformed");
        }
        ValidatedToken v = ValidatedToken.of(token, claims.toJSONObject());
        a.claims = v;
        if (!s.issuer().equals(claims.getIssuer())) {
            // RFC 9068 §4: exact match, no normalisation (no trailing slash, no scheme change).
            throw invalid("token has the wrong issuer");
        }
        verifySignature(jwt, header, alg);
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw invalid("token has no expiry");
        }
        Duration skew = s.clockSkew();
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            throw invalid("token is expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            throw invalid("token is not yet valid");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(skew))) {
            throw invalid("token is issued in the future");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(s.audience())) {
            throw invalid("token is not intended for this audience");
        }
        return v;
    }

    private void verifySignature(SignedJWT jwt, JWSHeader header, JWSAlgorithm alg) throws TokenValidationException {
        List<JwksCache.Key> keys;
        try {
            // Keys come only from the issuer's JWKS; jku, x5u, jwk and x5c headers are never used (RFC 8725 §3.10).
            keys = jwks.verifiersFor(header.getKeyID(), alg);
        } catch (JwksCache.KeysUnavailableException e) {
            throw new TokenValidationException(BearerError.INVALID_TOKEN, "the authorization server is unavailable",
                    s.requiredScopes(), true, e);
        }
        if (keys.isEmpty()) {
            throw invalid("no signing key matches the token");
        }
        byte[] input = jwt.getSigningInput();
        for (JwksCache.Key k : keys) {
            try {
                if (k.verifier().verify(header, input, jwt.getSignature())) {
                    return;
                }
            } catch (JOSEException e) {
                // A key that cannot check this signature simply does not verify it.
            }
        }
        throw invalid("token signature is invalid");
    }

    private ValidatedToken introspect(String token, TokenHash hash, Instant now, Attempt a)
            throws TokenValidationException {
        if (inactiveTokens != null && inactiveTokens.getIfPresent(hash) != null) {
            throw invalid("token is not active");
        }
        Map<String, Object> claims;
        try {
            claims = introspectOnce(token, hash);
        } catch (Introspector.InactiveTokenException e) {
            if (inactiveTokens != null) {
                inactiveTokens.put(hash, Boolean.TRUE);
            }
            throw invalid("token is not active");
        } catch (IOException e) {
            throw new TokenValidationException(BearerError.INVALID_TOKEN, "the authorization server is unavailable",
                    s.requiredScopes(), true, e);
        }
        ValidatedToken v = ValidatedToken.of(token, claims);
        a.claims = v;
        if (v.issuer() != null && !s.issuer().equals(v.issuer())) {
            throw invalid("token has the wrong issuer");
        }
        Duration skew = s.clockSkew();
        if (v.expiresAt() != null && !now.isBefore(v.expiresAt().plus(skew))) {
            throw invalid("token is expired");
        }
        Object nbf = claims.get("nbf");
        if (nbf instanceof Number n && Instant.ofEpochSecond(n.longValue()).isAfter(now.plus(skew))) {
            throw invalid("token is not yet valid");
        }
        if (!v.audiences().contains(s.audience())) {
            // Fail closed: an introspection answer must name this resource as an audience too.
            throw invalid("token is not intended for this audience");
        }
        return v;
    }

    /**
     * One introspection request per token at a time (concurrent callers with the same token hash
     * share its answer), and at most {@link ValidatorSettings#maxConcurrentIntrospections()} in
     * flight: beyond that, fail closed at once rather than queue.
     */
    private Map<String, Object> introspectOnce(String token, TokenHash hash)
            throws IOException, Introspector.InactiveTokenException {
        CompletableFuture<Map<String, Object>> mine = new CompletableFuture<>();
        CompletableFuture<Map<String, Object>> theirs = introspectionsInFlight.putIfAbsent(hash, mine);
        if (theirs != null) {
            return awaitShared(theirs);
        }
        try {
            if (!introspectionPermits.tryAcquire()) {
                IOException busy = new IOException("too many introspection requests in flight");
                mine.completeExceptionally(busy);
                throw busy;
            }
            try {
                Map<String, Object> claims = introspector.introspect(token);
                mine.complete(claims);
                return new LinkedHashMap<>(claims);
            } finally {
                introspectionPermits.release();
            }
        } catch (IOException | Introspector.InactiveTokenException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            introspectionsInFlight.remove(hash, mine);
        }
    }

    private Map<String, Object> awaitShared(CompletableFuture<Map<String, Object>> shared)
            throws IOException, Introspector.InactiveTokenException {
        try {
            // The sharing call is itself bounded by the HTTP timeout; the margin only guards against a stuck one.
            return new LinkedHashMap<>(shared.get(s.httpTimeout().toNanos() * 2, TimeUnit.NANOSECONDS));
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

    private ValidatedToken requireScopes(ValidatedToken v) throws TokenValidationException {
        if (!v.scopes().containsAll(s.requiredScopes())) {
            throw new TokenValidationException(BearerError.INSUFFICIENT_SCOPE, "token lacks a required scope",
                    s.requiredScopes(), false, null);
        }
        return v;
    }

    private boolean typeAccepted(JOSEObjectType typ) {
        if (typ == null) {
            // Okta sends no typ; RFC 9068 §4 demands at+jwt only in strict mode.
            return !s.strictType();
        }
        String t = typ.getType().toLowerCase(java.util.Locale.ROOT);
        return (s.strictType() ? STRICT_TYPES : ACCEPTED_TYPES).contains(t);
    }

    private TokenValidationException invalid(String description) {
        return new TokenValidationException(BearerError.INVALID_TOKEN, description, s.requiredScopes(), false, null);
    }

    private static boolean isB64Token(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
    }

    private void emit(Attempt a, ValidatedToken v, TokenValidationException e, long started, AuditContext context) {
        ValidationEvent event = new ValidationEvent(s.clock().instant(), e == null,
                e == null ? null : e.error(), e == null ? null : e.description(),
                v == null ? null : v.subject(), v == null ? null : v.clientId(), v == null ? null : v.issuer(),
                v == null ? List.of() : v.audiences(), v == null ? Set.of() : v.scopes(),
                a.fingerprint, a.fromCache, Duration.ofNanos(System.nanoTime() - started), context);
        Listeners.safely(() -> s.audit().onValidation(event));
    }

    /** What one call learned, for its audit event. */
    private static final class Attempt {
        String fingerprint;
        boolean fromCache;
        ValidatedToken claims;
    }

    /** A cached verified token and the instant it stops being served. */
    private record Entry(ValidatedToken token, Instant notAfter) {
    }

    /** The SHA-256 of a token as four longs: the cache key, never the token itself. */
    private record TokenHash(long a, long b, long c, long d) {
        static TokenHash of(byte[] digest) {
            ByteBuffer b = ByteBuffer.wrap(digest);
            return new TokenHash(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        }
    }
}
