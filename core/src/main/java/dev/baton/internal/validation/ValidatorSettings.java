package dev.baton.internal.validation;

import com.nimbusds.jose.JWSAlgorithm;
import dev.baton.AuditListener;
import dev.baton.EndpointObserver;
import dev.baton.internal.ClientCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The checked configuration of one issuer's validator, as the public builder produced it. Not API.
 *
 * @param issuer the exact {@code iss}
 * @param jwksUri the JWKS URI, or {@code null} to discover it
 * @param audience the audience the token's {@code aud} must contain
 * @param requiredScopes scopes every token must carry
 * @param algorithms the allowed JWS algorithms
 * @param clockSkew tolerance for {@code exp}, {@code nbf}, {@code iat}
 * @param strictType whether {@code typ} must be {@code at+jwt} (RFC 9068 §4)
 * @param maxTokenLength the longest token accepted, in characters
 * @param httpClient the client for every call to the authorization server
 * @param endpointObserver told of every call to the authorization server
 * @param httpTimeout the total deadline of each such call
 * @param introspection whether opaque tokens are introspected
 * @param introspectionEndpoint the RFC 7662 endpoint, or {@code null} to discover it
 * @param introspectionAuth how to authenticate to it
 * @param introspectionCacheLifetime how long an active introspection result is reused at most
 * @param audit the audit listener
 * @param clock the clock
 * @param cacheSize the maximum number of verified tokens kept; 0 disables the cache
 * @param maxConcurrentIntrospections the most introspection requests in flight at once
 */
public record ValidatorSettings(
        String issuer,
        URI jwksUri,
        String audience,
        Set<String> requiredScopes,
        Set<JWSAlgorithm> algorithms,
        Duration clockSkew,
        boolean strictType,
        int maxTokenLength,
        HttpClient httpClient,
        EndpointObserver endpointObserver,
        Duration httpTimeout,
        boolean introspection,
        URI introspectionEndpoint,
        ClientCredentials introspectionAuth,
        Duration introspectionCacheLifetime,
        AuditListener audit,
        Clock clock,
        int cacheSize,
        int maxConcurrentIntrospections) {
}
