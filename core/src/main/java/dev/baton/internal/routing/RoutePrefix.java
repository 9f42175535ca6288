package dev.baton.internal.routing;

import dev.baton.internal.Checks;
import dev.baton.internal.Endpoints;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Which outgoing requests a route covers: an origin (scheme, host, port) plus a path prefix. The
 * matching rule every HTTP-client adapter applies (docs/security.md case 32), written once.
 * Immutable. Not API.
 */
public final class RoutePrefix {
    private final String scheme;
    /** Lower case, IDN-encoded, an IPv6 literal without brackets. */
    private final String host;
    private final int port;
    /** The encoded path prefix without a trailing slash; empty for the whole origin. */
    private final String pathPrefix;
    private final String display;

    /**
     * A prefix from parts an HTTP client already normalized (OkHttp's {@code HttpUrl}).
     *
     * @param scheme {@code http} or {@code https}, lower case
     * @param host the host, lower case and IDN-encoded, an IPv6 literal without brackets
     * @param port the effective port (default ports included)
     * @param encodedPath the encoded path, starting with {@code /}
     */
    public RoutePrefix(String scheme, String host, int port, String encodedPath) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.pathPrefix = encodedPath.endsWith("/") ? encodedPath.substring(0, encodedPath.length() - 1) : encodedPath;
        this.display = scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                + (pathPrefix.isEmpty() ? "/" : pathPrefix);
    }

    /**
     * {@code urlPrefix} parsed as a route prefix: an absolute {@code http} or {@code https} URL with
     * no user info, query or fragment. Whether plain {@code http} is allowed is decided by
     * {@link RouteTable#of}, since it depends on another setting.
     *
     * @param urlPrefix scheme, host, optional port and path prefix
     * @param what the name of the setting, first in every message
     * @throws IllegalArgumentException if it is not such a URL; user info is never echoed
     */
    public static RoutePrefix parse(String urlPrefix, String what) {
        URI uri;
        try {
            uri = new URI(urlPrefix);
        } catch (URISyntaxException e) {
            // Not echoed: a string that does not parse may still carry a password.
            throw new IllegalArgumentException(what + " must be an absolute http or https URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        Checks.requireArgument(("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null,
                what + " must be an absolute http or https URL");
        Checks.requireArgument(uri.getRawUserInfo() == null, what + " must not contain user info");
        Checks.requireArgument(uri.getRawQuery() == null && uri.getRawFragment() == null,
                what + " must not contain a query or fragment: " + scheme + "://" + uri.getHost() + uri.getRawPath());
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        Checks.requireArgument(path.equals(uri.normalize().getRawPath()),
                what + " must not contain . or .. path segments");
        return new RoutePrefix(scheme, normalizedHost(uri.getHost()), effectivePort(scheme, uri.getPort()), path);
    }

    /**
     * Whether the request to {@code scheme://host:port/encodedPath} is on this route: same scheme,
     * host (case-insensitive) and effective port, and a path equal to the prefix or below it on a
     * segment boundary ({@code /graphql} matches {@code /graphql} and {@code /graphql/x}, never
     * {@code /graphqlx}). Paths are compared in their encoded form, so an encoded slash
     * ({@code %2F}) never creates a segment boundary. The parts must be normalized as for the
     * constructor.
     */
    public boolean matches(String scheme, String host, int port, String encodedPath) {
        if (!sameOrigin(scheme, host, port)) {
            return false;
        }
        if (pathPrefix.isEmpty()) {
            return true;
        }
        return encodedPath.startsWith(pathPrefix)
                && (encodedPath.length() == pathPrefix.length() || encodedPath.charAt(pathPrefix.length()) == '/');
    }

    /**
     * Whether the request to {@code uri} (as an HTTP client sends it, not normalized) is on this
     * route. The path must be on the route both as written and with its {@code .} and {@code ..}
     * segments resolved (RFC 3986 §5.2.4), so {@code /graphql/../admin} is on no {@code /graphql}
     * route and {@code /x/../graphql} on none either: a token goes only where the path plainly
     * says.
     */
    public boolean matches(URI uri) {
        String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(s.equals("http") || s.equals("https"))) {
            return false;
        }
        String h;
        try {
            h = normalizedHost(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
        int p = effectivePort(s, uri.getPort());
        String raw = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String normalized = uri.normalize().getRawPath();
        return matches(s, h, p, raw) && matches(s, h, p, normalized == null || normalized.isEmpty() ? "/" : normalized);
    }

    /** Whether {@code scheme://host:port} is this route's origin (RFC 6454), parts normalized. */
    public boolean sameOrigin(String scheme, String host, int port) {
        return port == this.port && this.scheme.equals(scheme) && this.host.equalsIgnoreCase(host);
    }

    /** Whether both prefixes cover exactly the same requests. */
    public boolean sameTarget(RoutePrefix other) {
        return sameOrigin(other.scheme, other.host, other.port) && pathPrefix.equals(other.pathPrefix);
    }

    /** The length of the path prefix: the longer, the more specific the route. */
    public int length() {
        return pathPrefix.length();
    }

    /** Whether the route is {@code https}, or {@code http} to a loopback host ({@link Endpoints#isSecure}). */
    public boolean isSecure() {
        return Endpoints.isSecure(URI.create(scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + ":" + port + "/"));
    }

    /** Whether the route uses plain {@code http}. */
    public boolean isPlainHttp() {
        return scheme.equals("http");
    }

    /** Scheme, host, port and path prefix, for messages. */
    @Override
    public String toString() {
        return display;
    }

    private static String normalizedHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return IDN.toASCII(bare).toLowerCase(Locale.ROOT);
    }

    private static int effectivePort(String scheme, int port) {
        return port != -1 ? port : scheme.equals("https") ? 443 : 80;
    }
}
