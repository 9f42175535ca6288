package dev.baton;

import com.nimbusds.jose.JWSAlgorithm;
import dev.baton.internal.Endpoints;
import dev.baton.internal.discovery.MetadataDiscovery;
import dev.baton.internal.http.BoundedHttp;
import dev.baton.internal.validation.DefaultTokenValidator;
import dev.baton.internal.validation.MultiIssuerValidator;
import dev.baton.internal.validation.ValidatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
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
 * any token content. Every call produces exactly one audit event.
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
     */
    default ValidatedToken validate(String token) throws TokenValidationException {
        return validate(token, AuditContext.none());
    }

    /**
     * Validates a raw bearer token, adding {@code context} (request method and path) to the audit event.
     *
     * @see #validate(String)
     */
    ValidatedToken validate(String token, AuditContext context) throws TokenValidationException;

    /**
     * Releases what this validator owns: the HTTP client and threads it created for discovery,
     * JWKS and introspection (an {@link java.net.http.HttpClient} supplied through the builder is
     * left to its owner). Idempotent; a validation after {@code close()} fails with
     * {@link IllegalStateException}. The default does nothing, for validators that own nothing.
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
     * unverified {@code iss} of the JWT and hands the token to the validator of that issuer, which
     * verifies it with that issuer's keys only; a token whose {@code iss} names none of them is
     * rejected with {@link BearerError#INVALID_TOKEN} without any network call, and the rejection is
     * reported to {@link AuditListener#slf4j()}. Opaque (non-JWT) tokens carry no readable issuer and
     * are rejected. {@link #requiredScopes()} is the set of scopes every issuer's validator requires.
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
        for (TokenValidator v : validators) {
            Objects.requireNonNull(v, "validator");
        }
        return new MultiIssuerValidator(List.of(validators), auditListener, Clock.systemUTC(),
                Builder.DEFAULT_MAX_TOKEN_LENGTH);
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
     * {@link AuditListener#slf4j()}.
     */
    final class Builder {
        /** Default {@link #maxTokenLength(int)}: 8 KiB, far above real access tokens (1-3 KiB). */
        public static final int DEFAULT_MAX_TOKEN_LENGTH = 8192;
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

        private static final List<String> DEFAULT_ALGORITHMS = List.of(
                "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

        private String issuer;
        private String jwksUri;
        private String audience;
        private Set<String> requiredScopes = Set.of();
        private List<String> algorithms = DEFAULT_ALGORITHMS;
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
        private Clock clock = Clock.systemUTC();
        private int cacheSize = DEFAULT_CACHE_SIZE;

        Builder() {
        }

        /**
         * The issuer identifier, exactly as tokens carry it in {@code iss} (RFC 9068 §4: compared
         * character for character). Unless {@link #jwksUri(String)} is set, the JWKS URI is
         * discovered from it: RFC 8414 {@code /.well-known/oauth-authorization-server} (path-inserted,
         * then appended to the issuer as Okta serves it), then OpenID Connect
         * {@code /.well-known/openid-configuration}; a document that cannot be used is skipped, and
         * the one used must name exactly this {@code issuer}. Discovered {@code jwks_uri} and
         * {@code introspection_endpoint} must be {@code https} (or {@code http} on a loopback host),
         * or validation fails closed. Must be {@code https}, or {@code http} on a loopback host
         * ({@code localhost}, {@code 127.x.y.z}, {@code [::1]}). Required.
         */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** The issuer's JWKS URI, skipping discovery for keys. Must be {@code https} (or loopback {@code http}). */
        public Builder jwksUri(String jwksUri) {
            this.jwksUri = jwksUri;
            return this;
        }

        /** The audience this resource server is known by; a token's {@code aud} must contain it. Required. */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /**
         * Scopes every token must carry (from {@code scope} or {@code scp}); a token without one of
         * them is rejected with {@link BearerError#INSUFFICIENT_SCOPE}. Replaces earlier values.
         */
        public Builder requiredScopes(String... scopes) {
            this.requiredScopes = checkedScopes(scopes);
            return this;
        }

        /**
         * The JWS algorithms accepted (RFC 8725 §3.1). Only RS256, RS384, RS512, PS256, PS384,
         * PS512, ES256, ES384 and ES512 may be listed: {@code none} and HMAC ({@code HS*}) are never
         * accepted, since a resource server holds no secret shared with the issuer. Replaces the default.
         */
        public Builder allowedAlgorithms(String... algorithms) {
            Objects.requireNonNull(algorithms, "algorithms");
            if (algorithms.length == 0) {
                throw new IllegalArgumentException("at least one algorithm is required");
            }
            for (String a : algorithms) {
                if (a == null || !DEFAULT_ALGORITHMS.contains(a)) {
                    throw new IllegalArgumentException("algorithm " + a + " is not allowed; choose from "
                            + DEFAULT_ALGORITHMS + " (none and HMAC are never accepted, RFC 8725 §3.1)");
                }
            }
            this.algorithms = List.copyOf(new LinkedHashSet<>(Arrays.asList(algorithms)));
            return this;
        }

        /** Tolerance when comparing {@code exp}, {@code nbf} and {@code iat} with the clock: 0 to 5 minutes, default 60 s. */
        public Builder clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "skew");
            if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_CLOCK_SKEW + ", not " + skew);
            }
            this.clockSkew = skew;
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

        /** The longest token accepted, in characters, checked before any decoding: 256 to 65536, default 8192. */
        public Builder maxTokenLength(int maxLength) {
            if (maxLength < 256 || maxLength > 65536) {
                throw new IllegalArgumentException("max token length must be between 256 and 65536, not " + maxLength);
            }
            this.maxTokenLength = maxLength;
            return this;
        }

        /**
         * The client for discovery, JWKS and introspection requests (custom CA, proxy, mTLS). It must
         * be built with {@code followRedirects(HttpClient.Redirect.NEVER)}. Default: a shared client
         * with a 5 s connect timeout.
         *
         * @throws IllegalArgumentException if the client follows redirects
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = BoundedHttp.requireNoRedirects(client);
            return this;
        }

        /** The total deadline of each request to the authorization server, body included: up to 60 s, default 5 s. */
        public Builder httpTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("HTTP timeout must be positive and at most 60 s, not " + timeout);
            }
            this.httpTimeout = timeout;
            return this;
        }

        /**
         * Validates opaque tokens (every token that is not a compact JWS, whether or not it contains
         * dots, as Ory's {@code ory_at_...} do; a JWE is still rejected) by RFC 7662 introspection
         * at the endpoint named in the issuer's metadata ({@code introspection_endpoint}),
         * authenticating as {@code client}.
         * An inactive token is {@link BearerError#INVALID_TOKEN}; an active one must name the
         * configured audience in {@code aud}. JWTs are still verified locally.
         */
        public Builder introspection(ClientAuthentication client) {
            this.introspectionAuth = Objects.requireNonNull(client, "client");
            this.introspectionEndpoint = null;
            return this;
        }

        /** As {@link #introspection(ClientAuthentication)}, at an explicit endpoint. */
        public Builder introspection(String endpoint, ClientAuthentication client) {
            this.introspectionAuth = Objects.requireNonNull(client, "client");
            this.introspectionEndpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * The most introspection requests in flight at once (1 to 1,000, default
         * {@value #DEFAULT_MAX_CONCURRENT_INTROSPECTIONS}). Concurrent validations of the same token
         * share one request; a validation that would exceed the limit fails at once with a
         * {@linkplain TokenValidationException#isServiceUnavailable() service-unavailable}
         * rejection, so a flood of opaque tokens cannot tie up threads or the authorization server.
         */
        public Builder maxConcurrentIntrospections(int max) {
            if (max < 1 || max > 1000) {
                throw new IllegalArgumentException("max concurrent introspections must be between 1 and 1000, not "
                        + max);
            }
            this.maxConcurrentIntrospections = max;
            return this;
        }

        /**
         * How long an active introspection result is reused: 0 (never) to 5 minutes, default 30 s;
         * never beyond the token's {@code exp}.
         */
        public Builder introspectionCacheLifetime(Duration lifetime) {
            Objects.requireNonNull(lifetime, "lifetime");
            if (lifetime.isNegative() || lifetime.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("introspection cache lifetime must be between 0 and 5 minutes");
            }
            this.introspectionCacheLifetime = lifetime;
            return this;
        }

        /** Receives one event per validation. Default {@link AuditListener#slf4j()}. */
        public Builder auditListener(AuditListener listener) {
            this.auditListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The clock for expiry checks and cache lifetimes (tests inject a fixed one). Default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How many verified tokens are kept so that validating the same token again costs no
         * signature check: 0 (no cache) to 1,000,000, default 10,000. Entries are keyed by the
         * token's SHA-256 and dropped at the token's {@code exp}.
         */
        public Builder verifiedTokenCacheSize(int size) {
            if (size < 0 || size > 1_000_000) {
                throw new IllegalArgumentException("cache size must be between 0 and 1000000, not " + size);
            }
            this.cacheSize = size;
            return this;
        }

        /**
         * Builds the validator. No network call is made.
         *
         * @throws IllegalStateException if the issuer or audience is missing
         * @throws IllegalArgumentException if a URL is not {@code https} (or loopback {@code http})
         */
        public TokenValidator build() {
            if (issuer == null || issuer.isBlank()) {
                throw new IllegalStateException("issuer(..) is required: RFC 9068 §4 requires the iss check");
            }
            if (audience == null || audience.isBlank()) {
                throw new IllegalStateException("audience(..) is required: RFC 9068 §4 requires the aud check");
            }
            requireSecure("issuer", MetadataDiscovery.requireIssuerUri(issuer));
            URI jwks = jwksUri == null ? null : requireSecure("jwksUri", parse("jwksUri", jwksUri));
            URI introspect = introspectionEndpoint == null ? null
                    : requireSecure("introspection endpoint", parse("introspection endpoint", introspectionEndpoint));
            Set<JWSAlgorithm> algs = new LinkedHashSet<>();
            for (String a : algorithms) {
                algs.add(JWSAlgorithm.parse(a));
            }
            return new DefaultTokenValidator(new ValidatorSettings(issuer, jwks, audience, requiredScopes,
                    Set.copyOf(algs), clockSkew, strictTokenType, maxTokenLength,
                    httpClient == null ? BoundedHttp.newClient() : httpClient, httpTimeout,
                    introspectionAuth != null, introspect,
                    introspectionAuth == null ? null : introspectionAuth.credentials(), introspectionCacheLifetime,
                    auditListener, clock, cacheSize, maxConcurrentIntrospections));
        }

        private static Set<String> checkedScopes(String... scopes) {
            Objects.requireNonNull(scopes, "scopes");
            Set<String> out = new LinkedHashSet<>();
            for (String s : scopes) {
                // RFC 6749 §3.3 scope-token: printable ASCII except space, quote and backslash.
                if (s == null || s.isEmpty() || !s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                    throw new IllegalArgumentException("invalid scope (RFC 6749 §3.3 scope-token): " + s);
                }
                out.add(s);
            }
            return Set.copyOf(out);
        }

        private static URI parse(String what, String value) {
            try {
                URI u = new URI(value);
                if (u.getHost() == null) {
                    throw new IllegalArgumentException(what + " must be an absolute URL: " + Endpoints.redacted(u));
                }
                return u;
            } catch (java.net.URISyntaxException e) {
                // The value is not echoed: it may carry a password in its user info.
                throw new IllegalArgumentException(what + " is not a valid URL: " + e.getReason());
            }
        }

        private static URI requireSecure(String what, URI uri) {
            String scheme = uri.getScheme();
            if ("https".equals(scheme)) {
                return uri;
            }
            if ("http".equals(scheme) && Endpoints.isLoopback(uri.getHost())) {
                return uri;
            }
            throw new IllegalArgumentException(what + " must use https (plain http only on a loopback host): "
                    + Endpoints.redacted(uri));
        }
    }
}
