package dev.baton.internal.exchange;

import dev.baton.AuditListener;
import dev.baton.EndpointObserver;
import dev.baton.SharedTokenCache;
import dev.baton.internal.ClientCredentials;
import dev.baton.internal.dpop.DPoPBinding;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/**
 * The checked configuration of one exchanger, as the public builder produced it, and the bounds it
 * checks against. Not API.
 *
 * @param tokenEndpoint the token endpoint, or {@code null} to discover it from {@code issuer}
 * @param issuer the issuer whose metadata names the token endpoint, or {@code null}
 * @param credentials how to authenticate to the token endpoint
 * @param httpClient the user's HTTP client, or {@code null} for one of the exchanger's own
 * @param endpointObserver told of every call to the token endpoint and discovery
 * @param deadline the total time of one exchange, every attempt included
 * @param retry the retry policy
 * @param maxResponseBytes the cap on a token endpoint response
 * @param cacheEnabled whether exchanged tokens are cached
 * @param maximumCacheSize the most cached tokens
 * @param cacheSkew how long before expiry a cached token stops being served
 * @param refreshAhead the fraction of a cached token's life after which it is refreshed ahead, 0 for never
 * @param negativeCacheTtl how long an {@code invalid_grant} is remembered, zero for not at all
 * @param defaultTokenLifetime the lifetime assumed without a usable {@code expires_in}
 * @param maxTokenLifetime the cap on {@code expires_in}
 * @param audit the audit listener
 * @param clock the clock
 * @param dpop whether token requests carry a DPoP proof and which answers are accepted then
 * @param sharedCache the fleet's shared second-level cache, or {@code null}
 */
public record ExchangerSettings(
        URI tokenEndpoint,
        String issuer,
        ClientCredentials credentials,
        HttpClient httpClient,
        EndpointObserver endpointObserver,
        Duration deadline,
        RetryPolicy retry,
        int maxResponseBytes,
        boolean cacheEnabled,
        long maximumCacheSize,
        Duration cacheSkew,
        double refreshAhead,
        Duration negativeCacheTtl,
        Duration defaultTokenLifetime,
        Duration maxTokenLifetime,
        AuditListener audit,
        Clock clock,
        DPoPBinding dpop,
        SharedTokenCache sharedCache) {
    /** The longest {@code deadline} accepted. */
    public static final Duration MAX_DEADLINE = Duration.ofMinutes(5);
    /** The longest {@code cacheSkew} accepted. */
    public static final Duration MAX_CACHE_SKEW = Duration.ofHours(1);
    /** The largest {@code maxTokenLifetime} accepted. */
    public static final Duration MAX_MAX_TOKEN_LIFETIME = Duration.ofDays(1);
    /** The longest {@code negativeCacheTtl} accepted. */
    public static final Duration MAX_NEGATIVE_CACHE = Duration.ofMinutes(5);

    /**
     * The exchanger's identity in a shared cache's keys: its token endpoint (or issuer), client id
     * and DPoP key, so exchangers for different authorization servers or clients never share an
     * entry, and a DPoP-bound token (RFC 9449 §5) is shared only by exchangers holding the key it is
     * bound to; a token bound to another replica's key would be useless here.
     */
    public String namespace() {
        return (tokenEndpoint != null ? tokenEndpoint.toString() : "issuer:" + issuer) + " " + credentials.clientId()
                + (dpop.enabled() ? " dpop:" + dpop.signer().thumbprint() : "");
    }
}
