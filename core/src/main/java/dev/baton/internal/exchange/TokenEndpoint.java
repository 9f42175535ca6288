package dev.baton.internal.exchange;

import dev.baton.internal.Endpoints;
import dev.baton.internal.discovery.LazyMetadata;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Where exchanges are sent: the configured token endpoint, or the {@code token_endpoint} of the
 * issuer's metadata (RFC 8414 §2), discovered on first use. Not API.
 */
@FunctionalInterface
public interface TokenEndpoint {

    /**
     * The token endpoint; completes exceptionally when it cannot be discovered, or the metadata
     * names none, or one that breaks the https-or-loopback rule.
     */
    CompletableFuture<URI> resolve();

    /** Always {@code endpoint}, which the builder has checked. */
    static TokenEndpoint fixed(URI endpoint) {
        CompletableFuture<URI> resolved = CompletableFuture.completedFuture(endpoint);
        return () -> resolved;
    }

    /**
     * The endpoint {@code metadata} names. A failed discovery is tried again as {@code metadata}'s
     * retry interval allows; a document without a usable endpoint is kept and refused on every call.
     */
    static TokenEndpoint discovered(LazyMetadata metadata) {
        return () -> metadata.getAsync().thenApply(m -> {
            URI endpoint = m.getTokenEndpointURI();
            if (endpoint == null) {
                throw new CompletionException(new IOException("the issuer's metadata has no token_endpoint"));
            }
            // Discovered URLs meet the rule configured ones meet: the client's credentials and the
            // user's token are posted there (RFC 6749 §3.2).
            return Endpoints.requireSecure(endpoint, "discovered token endpoint");
        });
    }
}
