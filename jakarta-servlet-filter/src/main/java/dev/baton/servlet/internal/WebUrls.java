package dev.baton.servlet.internal;

import dev.baton.internal.Checks;
import dev.baton.internal.Endpoints;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * The checks on the URLs a filter is configured with. Whether a URL is secure enough is core's
 * rule ({@link Endpoints#requireSecure(URI, String)}); this module only adds that a resource
 * identifier or issuer has no query. Not API.
 */
public final class WebUrls {
    private WebUrls() {
    }

    /**
     * {@code value} as an absolute URI.
     *
     * @throws NullPointerException naming {@code what} if {@code value} is null
     * @throws IllegalArgumentException if it is not an absolute URI
     */
    public static URI absolute(String value, String what) {
        Objects.requireNonNull(value, what);
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + " is not a valid URL: " + e.getReason(), e);
        }
        Checks.requireArgument(uri.isAbsolute(), what + " must be an absolute URL: " + Endpoints.redacted(uri));
        return uri;
    }

    /**
     * {@code value}, checked to be a URL tokens may be bound to: core's https-or-loopback-http rule
     * (a host, no user info, no fragment) and no query. A resource identifier SHOULD NOT have a
     * query (RFC 9728 §1.2, RFC 8707 §2) and an issuer has none (RFC 8414 §2); this module refuses
     * both, so the path-inserted metadata URL (RFC 9728 §3.1) is unambiguous.
     *
     * @throws IllegalArgumentException naming {@code what} if the URL breaks the rule
     */
    public static URI requireSecureWithoutQuery(String value, String what) {
        URI uri = absolute(value, what);
        Endpoints.requireSecure(uri, what);
        Checks.requireArgument(uri.getRawQuery() == null, what + " must not have a query: " + uri);
        return uri;
    }

    /**
     * {@code value}, checked to be an absolute {@code http} or {@code https} URL: one a browser
     * opens as a page, never {@code javascript:} or {@code data:}.
     *
     * @throws IllegalArgumentException naming {@code what} otherwise
     */
    public static URI requireWebPage(String value, String what) {
        URI uri = absolute(value, what);
        Checks.requireArgument("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()),
                what + " must be an http(s) URL: " + Endpoints.redacted(uri));
        return uri;
    }
}
