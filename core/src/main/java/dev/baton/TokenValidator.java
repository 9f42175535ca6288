package dev.baton;

import dev.baton.internal.Checks;
import dev.baton.internal.Endpoints;
import dev.baton.internal.TokenSyntax;
import dev.baton.internal.discovery.MetadataDiscovery;
import dev.baton.internal.http.BoundedHttp;
import dev.baton.internal.validation.Algorithms;
import dev.baton.internal.validation.DPoPSettings;
import dev.baton.internal.validation.ValidatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an incoming bearer token is acceptable to this resource server.
 *
 * <p>Implementations are thread-safe and meant to be built once and shared. A call either returns
 * the {@link ValidatedToken} or throws {@link TokenValidationException} carrying the RFC 6750 error
 * to answer with; it never returns {@code null} and never lets an unchecked exception escape for
 * any token content. Every call produces exactly one audit event. {@linkplain #close() Close} it
 * when the application stops.
 *
 * <pre>{@code
 * TokenValidator validator = TokenValidator.builder()
 *     .issuer("https://idp.example.com/oauth2/mcp")   // RFC 8414 / OIDC discovery
 *     .audience("mcpserver")
 *     .requiredScopes("mcp:tools:call")
 *     .build();
 * ValidatedToken user = validator.validate(rawToken);  // throws TokenValidationException
 * }</pre>
 */
public interface TokenValidator extends AutoCloseable {

    /**
     * Validates a raw bearer token (without the {@code Bearer } prefix).
     *
     * @param token the token as received; may be {@code null} or empty, which is rejected
     * @return the accepted token and its claims
     * @throws TokenValidationException if the token is not acceptable; {@link BearerError#INVALID_TOKEN}
     *     for a bad or expired token, {@link BearerError#INSUFFICIENT_SCOPE} for missing scopes
     * @throws IllegalStateException if the validator is {@linkplain #close() closed}: a programming
     *     error, not a problem with the token, so no rejection and no audit event
     */
    default ValidatedToken validate(String token) throws TokenValidationException {
        return validate(token, AuditContext.none());
    }

    /**
     * Validates a raw bearer token, adding {@code context} (request method and path) to the audit event.
     *
     * @throws TokenValidationException if the token is not acceptable, as {@link #validate(String)}
     * @throws IllegalStateException if the validator is closed, as {@link #validate(String)}
     */
    ValidatedToken validate(String token, AuditContext context) throws TokenValidationException;

    /**
     * Validates a token as the request presented it: a {@linkplain PresentedToken#bearer(String)
     * bearer token} exactly as {@link #validate(String, AuditContext)}, or a
     * {@linkplain PresentedToken#dpop(String, String, String, java.net.URI) DPoP-bound token} with its
     * proof (RFC 9449 §4.3, §7.1). A token bound to a key ({@code cnf.jkt}) is refused as a bearer
     * token ({@link BearerError#INVALID_TOKEN}); with the DPoP scheme the proof must be fresh, unused,
     * made for this request's method and URI and this token, and signed with an allowed asymmetric
     * algorithm by the key the token is bound to ({@link BearerError#INVALID_DPOP_PROOF} otherwise, or
     * {@link BearerError#USE_DPOP_NONCE} when a nonce is required). One audit event either way.
     *
     * <p>The default, for validators that verify no DPoP proofs, validates bearer tokens with
     * {@link #validate(String, AuditContext)} and refuses every DPoP presentation with
     * {@link BearerError#INVALID_TOKEN}.
     *
     * @throws TokenValidationException if the token or its proof is not acceptable
     * @throws IllegalStateException if the validator is closed, as {@link #validate(String)}
     * @throws NullPointerException if {@code presented} or {@code context} is null
     */
    default ValidatedToken validate(PresentedToken presented, AuditContext context) throws TokenValidationException {
        Objects.requireNonNull(context, "context");
        if (!presented.isDPoP()) {
            return validate(presented.token(), context);
        }
        throw new TokenValidationException(BearerError.INVALID_TOKEN, "DPoP-bound tokens are not accepted",
                requiredScopes(), false, null);
    }

    /**
     * The JWS algorithms this validator accepts for DPoP proofs (RFC 9449 §7.1 {@code algs}); empty
     * when it verifies no DPoP proofs, as by default for validators not built by {@link #builder()}.
     */
    default List<String> dpopAlgorithms() {
        return List.of();
    }

    /**
     * Releases what this validator owns: the HTTP client it created (never one supplied through
     * {@link Builder#httpClient(HttpClient)}) and its lease on Baton's timer threads, which stop once
     * no validator or exchanger holds one, so a redeployed application leaves no thread behind. A
     * {@link #forIssuers(TokenValidator...)} validator closes every issuer's validator. Idempotent;
     * a validation after {@code close()} fails with {@link IllegalStateException}. The default does
     * nothing, for validators that own nothing.
     */
    @Override
    default void close() {
    }

    /** The scopes every accepted token must carry; empty when none are required. */
    default Set<String> requiredScopes() {
        return Set.of();
    }

    /**
     * The issuer whose tokens this validator accepts, when it accepts exactly one; used by
     * {@link #forIssuers(TokenValidator...)} to route tokens. Empty by default.
     */
    default Optional<String> issuer() {
        return Optional.empty();
    }

    /** A builder for a validator of one issuer's tokens. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * A validator that accepts tokens from several issuers (multi-tenant set-ups). It reads the
     * unverified {@code iss} of the JWT and hands the token to that issuer's validator, which verifies
     * it with that issuer's keys only; a token of no listed issuer, or an opaque one (no readable
     * issuer), is rejected with {@link BearerError#INVALID_TOKEN} without any network call and
     * reported to {@link AuditListener#slf4j()}. {@link #requiredScopes()} is the set of scopes every
     * issuer's validator requires. Closing it closes every one of {@code validators}.
     *
     * @param validators one per issuer, each reporting its {@link #issuer()} (as built by {@link #builder()})
     * @throws IllegalArgumentException if none is given, one has no issuer, or two share an issuer
     */
    static TokenValidator forIssuers(TokenValidator... validators) {
        return forIssuers(AuditListener.slf4j(), validators);
    }

    /**
     * As {@link #forIssuers(TokenValidator...)}, reporting the rejections decided before any
     * issuer's validator is involved (unknown issuer, unreadable token) to {@code auditListener}.
     *
     * @throws IllegalArgumentException if none is given, one has no issuer, or two share an issuer
     */
    static TokenValidator forIssuers(AuditListener auditListener, TokenValidator... validators) {
        Objects.requireNonNull(auditListener, "auditListener");
        return new MultiIssuerTokenValidator(Arrays.asList(validators), auditListener, Clock.systemUTC());
    }

    /**
     * Configures a validator for the tokens of one issuer. The issuer and the audience are required;
     * everything else has a safe default. {@link #build()} checks the whole configuration and throws
     * {@link IllegalArgumentException} or {@link IllegalStateException} with a message naming the
     * problem. Building makes no network call: discovery and the JWKS are fetched on first use.
     *
     * <p>Defaults: algorithms RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512; clock
     * skew 60 s; {@code typ} {@code at+jwt}, {@code application/at+jwt}, {@code JWT} or none; tokens
     * up to 8192 characters; 10,000 verified tokens cached; HTTP deadline 5 s; audit to
     * {@link AuditListener#slf4j()}. DPoP proofs (RFC 9449), when a token is
     * {@linkplain TokenValidator#validate(PresentedToken, AuditContext) presented with one}: the same
     * nine algorithms, up to 60 s old, 100,000 remembered against replay, no server nonce.
     */
    final class Builder {
        /** Default {@link #maxTokenLength(int)}: 8 KiB, far above real access tokens (1-3 KiB). */
        public static final int DEFAULT_MAX_TOKEN_LENGTH = 8192;
        /** The largest {@link #maxTokenLength(int)} accepted. */
        static final int MAX_TOKEN_LENGTH_LIMIT = 65536;
        /** Default {@link #clockSkew(Duration)}. */
        public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
        /** Largest {@link #clockSkew(Duration)} accepted. */
        public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
        /** Default {@link #verifiedTokenCacheSize(int)}. */
        public static final int DEFAULT_CACHE_SIZE = 10_000;
        /** Default {@link #maxConcurrentIntrospections(int)}. */
        public static final int DEFAULT_MAX_CONCURRENT_INTROSPECTIONS = 64;
        /** Default {@link #httpTimeout(Duration)}. */
        public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(5);
        /** Default {@link #introspectionCacheLifetime(Duration)}. */
        public static final Duration DEFAULT_INTROSPECTION_CACHE_LIFETIME = Duration.ofSeconds(30);
        /** Default {@link #dpopAlgorithms(String...)}: every asymmetric algorithm a validator may accept. */
        public static final List<String> DEFAULT_DPOP_ALGORITHMS = Algorithms.ALLOWED;
        /** Default {@link #dpopProofMaxAge(Duration)}. */
        public static final Duration DEFAULT_DPOP_PROOF_MAX_AGE = Duration.ofSeconds(60);
        /** Default {@link #dpopReplayCacheSize(int)}. */
        public static final int DEFAULT_DPOP_REPLAY_CACHE_SIZE = 100_000;

        private String issuer;
        private String jwksUri;
        private String audience;
        private Set<String> requiredScopes = Set.of();
        private List<String> algorithms = Algorithms.ALLOWED;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private boolean strictTokenType;
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
        private HttpClient httpClient;
        private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;
        private int maxConcurrentIntrospections = DEFAULT_MAX_CONCURRENT_INTROSPECTIONS;
        private ClientAuthentication introspectionAuth;
        private String introspectionEndpoint;
        private Duration introspectionCacheLifetime = DEFAULT_INTROSPECTION_CACHE_LIFETIME;
        private AuditListener auditListener = AuditListener.slf4j();
        private EndpointObserver endpointObserver = EndpointObserver.none();
        private Clock clock = Clock.systemUTC();
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private List<String> dpopAlgorithms = DEFAULT_DPOP_ALGORITHMS;
        private Duration dpopProofMaxAge = DEFAULT_DPOP_PROOF_MAX_AGE;
        private int dpopReplayCacheSize = DEFAULT_DPOP_REPLAY_CACHE_SIZE;
        private boolean dpopNonce;

        Builder() {
        }

        /**
         * The issuer identifier, exactly as tokens carry it in {@code iss} (RFC 9068 §4: compared
         * character for character). Unless {@link #jwksUri(String)} is set, the JWKS URI is
         * discovered from it: RFC 8414 {@code /.well-known/oauth-authorization-server} (path-inserted,
         * then appended to the issuer as Okta serves it), then OpenID Connect
         * {@code /.well-known/openid-configuration}; a document that cannot be used is skipped, and
         * the one used must name exactly this {@code issuer}. This URL and the discovered
         * {@code jwks_uri} and {@code introspection_endpoint} must be {@code https}, or {@code http}
         * on a loopback host ({@code localhost}, {@code 127.x.y.z}, {@code [::1]}), without user
         * info. Metadata that breaks this rule, or lacks an endpoint the validator needs, fails
         * validation closed (service unavailable) and counts as a failed discovery, retried like any
         * other, so the validator recovers once the issuer fixes it. Required. Replaces an earlier value.
         */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /**
         * The JWKS URI, skipping discovery for keys; {@code https} (or loopback {@code http}).
         * Replaces an earlier value.
         */
        public Builder jwksUri(String jwksUri) {
            this.jwksUri = jwksUri;
            return this;
        }

        /**
         * The audience of this resource server, which a token's {@code aud} must contain. Required.
         * Replaces an earlier value.
         */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /**
         * Scopes every token must carry (from {@code scope} or {@code scp}); a token without one of
         * them is rejected with {@link BearerError#INSUFFICIENT_SCOPE}. Replaces earlier values.
         *
         * @throws IllegalArgumentException if one is not an RFC 6749 §3.3 {@code scope-token}
         */
        public Builder requiredScopes(String... scopes) {
            this.requiredScopes = TokenSyntax.requireScopeTokens(
                    Arrays.asList(Objects.requireNonNull(scopes, "scopes")));
            return this;
        }

        /**
         * The JWS algorithms accepted (RFC 8725 §3.1), from RS256, RS384, RS512, PS256, PS384, PS512,
         * ES256, ES384 and ES512: {@code none} and HMAC ({@code HS*}) never, since a resource server
         * holds no secret shared with the issuer. Replaces the default and earlier values.
         */
        public Builder allowedAlgorithms(String... algorithms) {
            this.algorithms = Algorithms.requireAllowed(Objects.requireNonNull(algorithms, "algorithms"));
            return this;
        }

        /**
         * Tolerance for {@code exp}, {@code nbf} and {@code iat}: 0 to 5 minutes, default 60 s.
         * Replaces an earlier value.
         */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = Checks.requireAtMost(Checks.requireNotNegative(skew, "clock skew"), MAX_CLOCK_SKEW,
                    "clock skew");
            return this;
        }

        /**
         * Demands the JWT header {@code typ} {@code at+jwt} (or {@code application/at+jwt}) as RFC
         * 9068 §4 specifies. By default {@code JWT} and a missing {@code typ} are accepted as well,
         * since Okta and Keycloak issue those; other types (ID tokens marked otherwise, logout
         * tokens, DPoP proofs) are rejected either way.
         */
        public Builder requireAccessTokenType() {
            this.strictTokenType = true;
            return this;
        }

        /** The longest token accepted, in characters, before any decoding: 256 to 65536. Replaces an earlier value. */
        public Builder maxTokenLength(int maxLength) {
            this.maxTokenLength = Checks.requireBetween(maxLength, 256, MAX_TOKEN_LENGTH_LIMIT, "max token length");
            return this;
        }

        /**
         * The client for discovery, JWKS and introspection (custom CA, proxy, mTLS), built with
         * {@code followRedirects(HttpClient.Redirect.NEVER)}; it stays the application's to close.
         * Default: the validator's own client (5 s connect timeout), released by
         * {@link TokenValidator#close()}. Replaces an earlier value.
         *
         * @throws IllegalArgumentException if the client follows redirects
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = BoundedHttp.requireNoRedirects(client);
            return this;
        }

        /** Deadline of each call to the authorization server, body included: up to 60 s. Replaces an earlier value. */
        public Builder httpTimeout(Duration timeout) {
            this.httpTimeout = Checks.requireAtMost(Checks.requirePositive(timeout, "HTTP timeout"),
                    Duration.ofSeconds(60), "HTTP timeout");
            return this;
        }

        /**
         * Validates opaque tokens (every token that is not a compact JWS, whether or not it contains
         * dots, as Ory's {@code ory_at_...} do; a JWE is still rejected) by RFC 7662 introspection
         * at the issuer's {@code introspection_endpoint}, authenticating as {@code client}. An
         * inactive token is {@link BearerError#INVALID_TOKEN}; an active one must name the configured
         * audience in {@code aud}. JWTs are still verified locally. Replaces an earlier value.
         */
        public Builder introspection(ClientAuthentication client) {
            this.introspectionAuth = Objects.requireNonNull(client, "client");
            this.introspectionEndpoint = null;
            return this;
        }

        /** As {@link #introspection(ClientAuthentication)}, at an explicit endpoint. Replaces an earlier value. */
        public Builder introspection(String endpoint, ClientAuthentication client) {
            this.introspectionAuth = Objects.requireNonNull(client, "client");
            this.introspectionEndpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * The most introspection requests in flight at once, 1 to 1,000 (default 64). Validations of
         * one token share a request; one beyond the limit fails at once as
         * {@linkplain TokenValidationException#isServiceUnavailable() service-unavailable}, so a flood
         * of opaque tokens cannot tie up threads or the authorization server. Replaces an earlier value.
         */
        public Builder maxConcurrentIntrospections(int max) {
            this.maxConcurrentIntrospections = Checks.requireBetween(max, 1, 1000, "max concurrent introspections");
            return this;
        }

        /**
         * How long an active introspection result is reused: 0 (never) to 5 minutes, default 30 s;
         * never beyond the token's {@code exp}. Replaces an earlier value.
         */
        public Builder introspectionCacheLifetime(Duration lifetime) {
            this.introspectionCacheLifetime = Checks.requireAtMost(
                    Checks.requireNotNegative(lifetime, "introspection cache lifetime"), Duration.ofMinutes(5),
                    "introspection cache lifetime");
            return this;
        }

        /** Receives one event per validation; default {@link AuditListener#slf4j()}. Replaces an earlier value. */
        public Builder auditListener(AuditListener listener) {
            this.auditListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Told of every HTTP call to the authorization server: discovery, JWKS fetches and
         * introspection (for metrics, traces, health). Default {@link EndpointObserver#none()}.
         * Replaces an earlier value; combine several with {@link EndpointObserver#of}.
         */
        public Builder endpointObserver(EndpointObserver observer) {
            this.endpointObserver = Objects.requireNonNull(observer, "endpointObserver");
            return this;
        }

        /** The clock for expiry checks and cache lifetimes; default UTC system clock. Replaces an earlier value. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How many verified tokens are kept so that validating one again costs no signature check: 0
         * (no cache) to 1,000,000, default 10,000. Keyed by the token's SHA-256, dropped at its
         * {@code exp}. Replaces an earlier value.
         */
        public Builder verifiedTokenCacheSize(int size) {
            this.cacheSize = Checks.requireBetween(size, 0, 1_000_000, "cache size");
            return this;
        }

        /**
         * The JWS algorithms accepted for DPoP proofs (RFC 9449 §4.3 check 5), from RS256, RS384,
         * RS512, PS256, PS384, PS512, ES256, ES384 and ES512 (all by default): asymmetric only, never
         * {@code none} or HMAC. Advertised in the {@code DPoP} challenge's {@code algs} and the
         * metadata's {@code dpop_signing_alg_values_supported}. Replaces the default and earlier values.
         *
         * @throws IllegalArgumentException if none is given or one is not in that list
         */
        public Builder dpopAlgorithms(String... algorithms) {
            this.dpopAlgorithms = Algorithms.requireAllowed(Objects.requireNonNull(algorithms, "algorithms"));
            return this;
        }

        /**
         * How old a DPoP proof may be, by its {@code iat} (RFC 9449 §4.3 check 11, §11.1): 1 s to
         * 5 minutes, default 60 s. A proof may also be up to the {@linkplain #clockSkew(Duration) clock
         * skew} (at most this age) in the future. Each accepted proof's {@code jti} is remembered for
         * this age plus that skew, so it cannot be used twice. Replaces an earlier value.
         */
        public Builder dpopProofMaxAge(Duration maxAge) {
            Checks.requirePositive(maxAge, "DPoP proof max age");
            Checks.requireArgument(maxAge.compareTo(Duration.ofSeconds(1)) >= 0,
                    "DPoP proof max age must be at least PT1S, not " + maxAge);
            this.dpopProofMaxAge = Checks.requireAtMost(maxAge, Duration.ofMinutes(5), "DPoP proof max age");
            return this;
        }

        /**
         * How many accepted DPoP proofs are remembered against replay: 1,000 to 10,000,000, default
         * 100,000. Make it larger than the DPoP requests the server accepts within the
         * {@linkplain #dpopProofMaxAge(Duration) proof age} plus the clock skew: beyond that, the
         * oldest proofs are forgotten before they expire. Replaces an earlier value.
         */
        public Builder dpopReplayCacheSize(int size) {
            this.dpopReplayCacheSize = Checks.requireBetween(size, 1_000, 10_000_000, "DPoP replay cache size");
            return this;
        }

        /**
         * Requires DPoP proofs to carry a nonce this validator issued (RFC 9449 §9): a proof without
         * a current one is refused with {@link BearerError#USE_DPOP_NONCE} and the nonce to use
         * ({@link TokenValidationException#dpopNonce()}), which a DPoP client puts in a new proof. A
         * nonce is current for 5 minutes and accepted for 10. Nonces live in this validator's memory:
         * several server instances behind one name need sticky routing, or clients meet the refusal
         * more often.
         */
        public Builder requireDPoPNonce() {
            this.dpopNonce = true;
            return this;
        }

        /**
         * Builds the validator, which the application {@linkplain TokenValidator#close() closes} when
         * it stops. No network call is made.
         *
         * @throws IllegalStateException if the issuer or audience is missing
         * @throws IllegalArgumentException if a URL is not {@code https} (or loopback {@code http}),
         *     or has user info or a fragment
         */
        public TokenValidator build() {
            Checks.requireState(issuer != null && !issuer.isBlank(),
                    "issuer(..) is required: RFC 9068 §4 requires the iss check");
            Checks.requireState(audience != null && !audience.isBlank(),
                    "audience(..) is required: RFC 9068 §4 requires the aud check");
            Endpoints.requireSecure(MetadataDiscovery.requireIssuerUri(issuer), "issuer");
            URI jwks = jwksUri == null ? null : Endpoints.requireSecure(jwksUri, "jwksUri");
            URI introspect = introspectionEndpoint == null ? null
                    : Endpoints.requireSecure(introspectionEndpoint, "introspection endpoint");
            HttpClient owned = httpClient == null ? BoundedHttp.newClient() : null;
            return new IssuerTokenValidator(new ValidatorSettings(issuer, jwks, audience, requiredScopes,
                    Algorithms.parse(algorithms), clockSkew, strictTokenType, maxTokenLength,
                    owned == null ? httpClient : owned, endpointObserver, httpTimeout,
                    introspectionAuth != null, introspect,
                    introspectionAuth == null ? null : introspectionAuth.credentials(), introspectionCacheLifetime,
                    auditListener, clock, cacheSize, maxConcurrentIntrospections),
                    new DPoPSettings(dpopAlgorithms, Algorithms.parse(dpopAlgorithms), dpopProofMaxAge,
                            dpopReplayCacheSize, dpopNonce), owned);
        }
    }
}
