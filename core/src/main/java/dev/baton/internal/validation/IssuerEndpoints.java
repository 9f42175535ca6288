package dev.baton.internal.validation;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.internal.Endpoints;
import dev.baton.internal.discovery.LazyMetadata;
import java.io.IOException;
import java.net.URI;
import java.util.function.Function;

/**
 * Where one issuer's JWKS and introspection endpoint are: configured, or read from its metadata
 * (RFC 8414 §2 {@code jwks_uri} and {@code introspection_endpoint}), discovered on first use.
 * Metadata that lacks one of the endpoints this validator needs, or names one that breaks the
 * https rule, counts as a failed discovery: it is not kept, and discovery is tried again on the
 * schedule of any other failure, so the validator recovers once the authorization server fixes
 * its metadata. Not API.
 */
final class IssuerEndpoints {
    private static final Function<AuthorizationServerMetadata, URI> JWKS_URI =
            AuthorizationServerMetadata::getJWKSetURI;
    private static final Function<AuthorizationServerMetadata, URI> INTROSPECTION_ENDPOINT =
            AuthorizationServerMetadata::getIntrospectionEndpointURI;

    private final ValidatorSettings s;
    private final LazyMetadata metadata;

    IssuerEndpoints(ValidatorSettings settings) {
        this.s = settings;
        boolean needsDiscovery = discoversJwks() || discoversIntrospection();
        this.metadata = needsDiscovery ? new LazyMetadata(settings.httpClient(), settings.endpointObserver(),
                settings.issuer(), settings.clock(), settings.httpTimeout(), LazyMetadata.RETRY_INTERVAL,
                this::requireUsable) : null;
    }

    /** The JWKS URI: the configured one, else the discovered {@code jwks_uri}. */
    JwksCache.UriSource jwks() {
        return discoversJwks() ? discovered(JWKS_URI, "jwks_uri") : s::jwksUri;
    }

    /** The RFC 7662 endpoint: the configured one, else the discovered {@code introspection_endpoint}. */
    JwksCache.UriSource introspection() {
        return discoversIntrospection() ? discovered(INTROSPECTION_ENDPOINT, "introspection_endpoint")
                : s::introspectionEndpoint;
    }

    private boolean discoversJwks() {
        return s.jwksUri() == null;
    }

    private boolean discoversIntrospection() {
        return s.introspection() && s.introspectionEndpoint() == null;
    }

    /** The {@link LazyMetadata.Acceptance} of this validator: every endpoint it discovers is present and secure. */
    private void requireUsable(AuthorizationServerMetadata m) throws IOException {
        if (discoversJwks()) {
            endpoint(m, JWKS_URI, "jwks_uri");
        }
        if (discoversIntrospection()) {
            endpoint(m, INTROSPECTION_ENDPOINT, "introspection_endpoint");
        }
    }

    private JwksCache.UriSource discovered(Function<AuthorizationServerMetadata, URI> field, String name) {
        return () -> endpoint(metadata.get(), field, name);
    }

    private static URI endpoint(AuthorizationServerMetadata m, Function<AuthorizationServerMetadata, URI> field,
            String name) throws IOException {
        URI u = field.apply(m);
        if (u == null) {
            throw new IOException("the issuer's metadata has no " + name);
        }
        return requireSecure(u, name);
    }

    /**
     * A discovered URL must meet {@link Endpoints#requireSecure(URI, String)}, the rule the builder
     * applies to configured ones: metadata served over loopback http must not send tokens to a
     * remote host in the clear. Fails closed, as an I/O failure of the authorization server; the
     * URL is not shown (it is remote text), so the rule's own message is not passed on.
     */
    static URI requireSecure(URI u, String what) throws IOException {
        try {
            return Endpoints.requireSecure(u, what);
        } catch (IllegalArgumentException e) {
            throw new IOException("the issuer's metadata has an unacceptable " + what
                    + " (https required, plain http only on a loopback host)");
        }
    }
}
