package dev.baton.micrometer;

import dev.baton.AuditListener;
import dev.baton.ExchangeCacheStats;
import dev.baton.ExchangeEvent;
import dev.baton.TokenExchanger;
import dev.baton.ValidationEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters from Baton's audit events: a timer per validation and per exchange, a counter
 * of the OAuth errors the token endpoint answered, and, for each exchanger given to
 * {@link #monitor(TokenExchanger, String)}, gauges and counters of its cache. Register it as (one
 * of) the {@link AuditListener}s of the validator and of the exchanger:
 *
 * <pre>{@code
 * BatonMetrics metrics = new BatonMetrics(meterRegistry);
 * TokenValidator validator = TokenValidator.builder()
 *     .issuer("https://idp.example.com/oauth2/mcp")
 *     .audience("mcpserver")
 *     .auditListener(AuditListener.of(AuditListener.slf4j(), metrics))
 *     .build();
 * TokenExchanger exchanger = TokenExchanger.builder()
 *     .tokenEndpoint("https://idp.example.com/oauth2/backend/v1/token")
 *     .clientAuthentication(ClientAuthentication.clientSecretBasic("toolhive", secret))
 *     .auditListener(AuditListener.of(AuditListener.slf4j(), metrics))
 *     .build();
 * metrics.monitor(exchanger, "backend");
 * }</pre>
 *
 * <p><b>Tags</b> never carry a token, a token fingerprint, a subject, a client id or a secret, and
 * every tag has a bounded set of values: fixed words, the OAuth {@code error} codes of RFC 6749
 * §5.2, RFC 8693 §2.2.2 and RFC 9449 ({@code other} for any other code an authorization server
 * sends), the {@link ExchangeEvent.Source} names in lower case, and the requested audiences, which
 * the application configures: the first {@value #MAX_AUDIENCE_TAGS} distinct audience values get
 * their own tag value, any further one is counted as {@code other}. docs/observability.md lists
 * every meter with its tags.
 *
 * <p>Thread-safe; each event costs a meter lookup and a record, no I/O.
 */
public final class BatonMetrics implements AuditListener {
    /** Timer of validations: tags {@code outcome}, {@code error}, {@code cached}. */
    public static final String VALIDATION = "baton.validation";
    /** Timer of exchange calls: tags {@code outcome}, {@code source}, {@code audience}, {@code error}. */
    public static final String EXCHANGE = "baton.exchange";
    /** Counter of OAuth error responses from the token endpoint: tags {@code error}, {@code audience}. */
    public static final String TOKEN_ENDPOINT_ERRORS = "baton.token.endpoint.errors";
    /** Gauge of the tokens in an exchanger's cache: tag {@code name}. */
    public static final String CACHE_SIZE = "baton.exchange.cache.size";
    /** Gauge of an exchanger's cache hit ratio since it was built, 0 to 1: tag {@code name}. */
    public static final String CACHE_HIT_RATIO = "baton.exchange.cache.hit.ratio";
    /** Counter of an exchanger's exchange calls by cache result: tags {@code name}, {@code result}. */
    public static final String CACHE_REQUESTS = "baton.exchange.cache.requests";
    /** Counter of an exchanger's background refresh-ahead exchanges started: tag {@code name}. */
    public static final String CACHE_REFRESHES = "baton.exchange.cache.refreshes";
    /** Counter of tokens an exchanger's cache evicted (full, or expired): tag {@code name}. */
    public static final String CACHE_EVICTIONS = "baton.exchange.cache.evictions";

    /** The most distinct {@code audience} tag values; further audiences are tagged {@code other}. */
    public static final int MAX_AUDIENCE_TAGS = 100;

    static final String NONE = "none";
    static final String OTHER = "other";

    /**
     * The OAuth error codes a token endpoint may answer with: RFC 6749 §5.2 and §4.1.2.1, RFC 8693
     * §2.2.2, RFC 9449 §5. The {@code error} value is remote text: any other becomes {@code other},
     * so a misbehaving server cannot create meters without bound.
     */
    private static final Set<String> OAUTH_ERRORS = Set.of("invalid_request", "invalid_client", "invalid_grant",
            "unauthorized_client", "unsupported_grant_type", "invalid_scope", "invalid_target", "access_denied",
            "server_error", "temporarily_unavailable", "invalid_dpop_proof", "use_dpop_nonce");

    private final MeterRegistry registry;
    private final Set<String> audiences = ConcurrentHashMap.newKeySet();
    private final Set<String> monitored = ConcurrentHashMap.newKeySet();

    /**
     * Meters in {@code registry}.
     *
     * @throws NullPointerException if {@code registry} is null
     */
    public BatonMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Records the validation's latency in {@value #VALIDATION}, tagged {@code outcome}
     * ({@code accepted} or {@code rejected}), {@code error} (the RFC 6750 §3.1 code, or
     * {@code none}) and {@code cached} ({@code true} when the verified-token cache answered).
     */
    @Override
    public void onValidation(ValidationEvent event) {
        Timer.builder(VALIDATION)
                .description("Validations of incoming access tokens")
                .tags("outcome", event.accepted() ? "accepted" : "rejected",
                        "error", event.error() == null ? NONE : event.error().code(),
                        "cached", Boolean.toString(event.fromCache()))
                .register(registry)
                .record(latency(event.latency()));
    }

    /**
     * Records the exchange call's latency in {@value #EXCHANGE}, tagged {@code outcome}
     * ({@code success} or {@code failure}), {@code source} (the {@link ExchangeEvent.Source} name in
     * lower case: {@code token_endpoint}, {@code cache}, {@code joined}, and any source a later
     * version adds), {@code audience} and {@code error} (a known OAuth code, {@code other} or
     * {@code none}); and, when the token endpoint answered this call's own exchange with an OAuth
     * error, counts it in {@value #TOKEN_ENDPOINT_ERRORS}.
     */
    @Override
    public void onExchange(ExchangeEvent event) {
        String audience = audienceTag(event.audiences());
        String error = errorTag(event.error());
        Timer.builder(EXCHANGE)
                .description("Token exchange calls, by where their answer came from")
                .tags("outcome", event.outcome() == ExchangeEvent.Outcome.SUCCESS ? "success" : "failure",
                        "source", event.source().name().toLowerCase(Locale.ROOT),
                        "audience", audience,
                        "error", error)
                .register(registry)
                .record(latency(event.latency()));
        if (event.source() == ExchangeEvent.Source.TOKEN_ENDPOINT && event.error() != null) {
            Counter.builder(TOKEN_ENDPOINT_ERRORS)
                    .description("OAuth error responses of the token endpoint")
                    .tags("error", error, "audience", audience)
                    .register(registry)
                    .increment();
        }
    }

    /**
     * Adds meters that read {@code exchanger}'s {@linkplain TokenExchanger#cacheStats() cache
     * counters} whenever the registry is read, each tagged {@code name=<name>}: the gauges
     * {@value #CACHE_SIZE} and {@value #CACHE_HIT_RATIO}, and the counters {@value #CACHE_REQUESTS}
     * ({@code result} {@code hit} or {@code miss}), {@value #CACHE_REFRESHES} and
     * {@value #CACHE_EVICTIONS}. The meters hold the exchanger weakly: they do not keep it from
     * being collected (they then read NaN).
     *
     * @param exchanger the exchanger to watch
     * @param name what tells this exchanger from the others in the tags, e.g. its backend's name;
     *     not blank, and not already used with these metrics
     * @return this
     * @throws IllegalArgumentException if {@code name} is blank or already monitored
     */
    public BatonMetrics monitor(TokenExchanger exchanger, String name) {
        Objects.requireNonNull(exchanger, "exchanger");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (!monitored.add(name)) {
            throw new IllegalArgumentException("an exchanger named '" + name
                    + "' is already monitored: each monitored exchanger needs its own name");
        }
        Tags tags = Tags.of("name", name);
        gauge(CACHE_SIZE, "Tokens in the exchange cache", "tokens", exchanger, tags, ExchangeCacheStats::size);
        gauge(CACHE_HIT_RATIO, "Exchange calls answered without a token endpoint exchange of their own, over all"
                + " calls, since the exchanger was built", null, exchanger, tags, ExchangeCacheStats::hitRate);
        counter(CACHE_REQUESTS, "Exchange calls by cache result", exchanger, tags.and("result", "hit"),
                ExchangeCacheStats::hits);
        counter(CACHE_REQUESTS, "Exchange calls by cache result", exchanger, tags.and("result", "miss"),
                ExchangeCacheStats::misses);
        counter(CACHE_REFRESHES, "Background refresh-ahead exchanges started", exchanger, tags,
                ExchangeCacheStats::refreshes);
        counter(CACHE_EVICTIONS, "Cached tokens evicted because the cache was full or they expired", exchanger,
                tags, ExchangeCacheStats::evictions);
        return this;
    }

    private void gauge(String name, String description, String unit, TokenExchanger exchanger, Tags tags,
            ToDoubleFunction<ExchangeCacheStats> value) {
        Gauge.builder(name, exchanger, x -> value.applyAsDouble(x.cacheStats()))
                .description(description).baseUnit(unit).tags(tags).register(registry);
    }

    private void counter(String name, String description, TokenExchanger exchanger, Tags tags,
            ToDoubleFunction<ExchangeCacheStats> value) {
        FunctionCounter.builder(name, exchanger, x -> value.applyAsDouble(x.cacheStats()))
                .description(description).tags(tags).register(registry);
    }

    private static Duration latency(Duration latency) {
        return latency == null || latency.isNegative() ? Duration.ZERO : latency;
    }

    private static String errorTag(String error) {
        if (error == null) {
            return NONE;
        }
        return OAUTH_ERRORS.contains(error) ? error : OTHER;
    }

    /**
     * The requested audiences in one tag value (sorted, comma-separated), or {@code none}; the
     * first {@value #MAX_AUDIENCE_TAGS} distinct values are kept, later ones become {@code other}.
     */
    private String audienceTag(List<String> requested) {
        if (requested.isEmpty()) {
            return NONE;
        }
        String value;
        if (requested.size() == 1) {
            value = requested.get(0);
        } else {
            List<String> sorted = new ArrayList<>(requested);
            sorted.sort(null);
            value = String.join(",", sorted);
        }
        if (audiences.contains(value)) {
            return value;
        }
        synchronized (audiences) {
            if (audiences.size() >= MAX_AUDIENCE_TAGS) {
                return OTHER;
            }
            audiences.add(value);
            return value;
        }
    }
}
