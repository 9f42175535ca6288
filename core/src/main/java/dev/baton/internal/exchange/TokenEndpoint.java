package dev.baton.internal.exchange;

import dev.baton.internal.Endpoints;
import dev.baton.internal.discovery.LazyMetadata;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

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
     * The endpoint {@code metadata} names. Metadata without a usable endpoint is a failed discovery
     * for {@code metadata} (see {@link #ACCEPTANCE}), so it is tried again as its retry interval
     * allows and the exchanger recovers once the authorization server fixes its document.
     */
    static TokenEndpoint discovered(LazyMetadata metadata) {
        return () -> metadata.getAsync().thenApply(m -> m.getTokenEndpointURI());
    }

    /**
     * What discovered metadata must offer an exchanger: a {@code token_endpoint} that meets the rule
     * configured ones meet, since the client's credentials and the user's token are posted there
     * (RFC 6749 §3.2). The message names no remote text.
     */
    LazyMetadata.Acceptance ACCEPTANCE = m -> {
        URI endpoint = m.getTokenEndpointURI();
        if (endpoint == null) {
            throw new IOException("the issuer's metadata has no token_endpoint");
        }
        if (!Endpoints.isSecure(endpoint) || endpoint.getRawUserInfo() != null || endpoint.getRawFragment() != null) {
            throw new IOException("the issuer's metadata names a token_endpoint that is not https (plain http only"
                    + " to a loopback host)");
        }
    };
}
