package dev.baton.internal.validation;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.internal.Endpoints;
import dev.baton.internal.discovery.LazyMetadata;
import java.io.IOException;
import java.net.URI;
import java.util.function.Function;

/**
 * Where one issuer's JWKS and introspection endpoint are: configured, or read from its metadata
 * (RFC 8414 §2 {@code jwks_uri} and {@code introspection_endpoint}), discovered on first use. Not API.
 */
final class IssuerEndpoints {
    private final ValidatorSettings s;
    private final LazyMetadata metadata;

    IssuerEndpoints(ValidatorSettings settings) {
        this.s = settings;
        boolean needsDiscovery = settings.jwksUri() == null
                || (settings.introspection() && settings.introspectionEndpoint() == null);
        this.metadata = needsDiscovery
                ? new LazyMetadata(settings.httpClient(), settings.issuer(), settings.clock(), settings.httpTimeout())
                : null;
    }

    /** The JWKS URI: the configured one, else the discovered {@code jwks_uri}. */
    JwksCache.UriSource jwks() {
        return s.jwksUri() != null ? s::jwksUri : discovered(AuthorizationServerMetadata::getJWKSetURI, "jwks_uri");
    }

    /** The RFC 7662 endpoint: the configured one, else the discovered {@code introspection_endpoint}. */
    JwksCache.UriSource introspection() {
        return s.introspectionEndpoint() != null ? s::introspectionEndpoint
                : discovered(AuthorizationServerMetadata::getIntrospectionEndpointURI, "introspection_endpoint");
    }

    private JwksCache.UriSource discovered(Function<AuthorizationServerMetadata, URI> field, String name) {
        return () -> {
            URI u = field.apply(metadata.get());
            if (u == null) {
                throw new IOException("the issuer's metadata has no " + name);
            }
            return requireSecure(u, name);
        };
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
