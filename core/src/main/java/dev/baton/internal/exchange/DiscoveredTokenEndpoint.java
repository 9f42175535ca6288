package dev.baton.internal.exchange;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.internal.discovery.MetadataDiscovery;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The {@code token_endpoint} of an issuer, discovered once (RFC 8414, then OpenID Connect
 * Discovery; see {@link MetadataDiscovery}) and remembered. Concurrent first callers share one discovery; a failed discovery is
 * forgotten so the next exchange tries again. Not API.
 */
public final class DiscoveredTokenEndpoint implements Function<Duration, CompletableFuture<URI>> {
    private final String issuer;
    private final HttpClient http;
    private final UnaryOperator<URI> check;
    private final Executor executor;
    private final AtomicReference<CompletableFuture<URI>> current = new AtomicReference<>();

    /**
     * @param issuer the issuer identifier
     * @param http a client that does not follow redirects
     * @param check validates the discovered endpoint (throws {@link IllegalArgumentException} if unfit)
     * @param executor runs the (blocking) discovery off the caller's thread
     */
    public DiscoveredTokenEndpoint(String issuer, HttpClient http, UnaryOperator<URI> check, Executor executor) {
        MetadataDiscovery.requireIssuerUri(issuer);
        this.issuer = issuer;
        this.http = http;
        this.check = check;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<URI> apply(Duration timeout) {
        CompletableFuture<URI> existing = current.get();
        if (existing != null) {
            return existing;
        }
        CompletableFuture<URI> mine = new CompletableFuture<>();
        if (!current.compareAndSet(null, mine)) {
            return current.get();
        }
        // At most three requests (RFC 8414 path-inserted and suffix forms, then OIDC), a third of the
        // exchange deadline each: discovery never outlasts the exchange it serves, which still fails
        // at its own deadline if little time is left.
        Duration perRequest = timeout.dividedBy(3);
        CompletableFuture.runAsync(() -> {
            try {
                AuthorizationServerMetadata metadata = MetadataDiscovery.discover(http, issuer, perRequest);
                URI endpoint = metadata.getTokenEndpointURI();
                if (endpoint == null) {
                    throw new IllegalStateException("the metadata of " + issuer + " has no token_endpoint");
                }
                mine.complete(check.apply(endpoint));
            } catch (Exception e) {
                current.compareAndSet(mine, null);
                mine.completeExceptionally(new CompletionException(e));
            }
        }, executor);
        return mine;
    }
}
