package dev.baton.mcp.internal;

import dev.baton.internal.Checks;
import dev.baton.internal.Endpoints;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DNS-rebinding protection for the MCP endpoint (MCP 2025-11-25 Streamable HTTP, "Security
 * Warning": servers MUST validate the {@code Origin} header; a present and invalid one gets 403).
 * Two checks, before any other:
 * <ul>
 *   <li>{@code Origin}, when present, must match an allowed origin pattern;</li>
 *   <li>on a connection to a loopback address, the request's host name must be a loopback name or
 *       an allowed host: a rebinding page reaches {@code 127.0.0.1} under its own host name, and
 *       browsers send that name in {@code Host}.</li>
 * </ul>
 * Immutable. Not API.
 */
public final class TransportGuard {
    private final List<OriginPattern> allowedOrigins;
    private final Set<String> allowedHosts;

    /**
     * @param allowedOrigins patterns already checked by {@link OriginPattern#parse(String)}
     * @param allowedHosts host names accepted besides loopback names, lower case
     */
    public TransportGuard(List<OriginPattern> allowedOrigins, Set<String> allowedHosts) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.allowedHosts = Set.copyOf(allowedHosts);
    }

    /**
     * The guard of the MCP server at {@code resource}.
     *
     * @param resource the resource identifier, already checked
     * @param allowedOrigins the configured patterns, or {@code null} for {@code defaultOrigins} plus
     *     the resource's own origin
     * @param defaultOrigins the default patterns
     * @param allowedHosts host names accepted besides loopback names; the resource's host is added
     */
    public static TransportGuard forResource(String resource, List<OriginPattern> allowedOrigins,
            List<String> defaultOrigins, Set<String> allowedHosts) {
        URI uri = URI.create(resource);
        Set<String> hosts = new LinkedHashSet<>(allowedHosts);
        hosts.add(uri.getHost().toLowerCase(Locale.ROOT));
        List<OriginPattern> origins = allowedOrigins;
        if (origins == null) {
            List<OriginPattern> defaults = new ArrayList<>();
            defaultOrigins.forEach(o -> defaults.add(OriginPattern.parse(o)));
            defaults.add(OriginPattern.parse(uri.getScheme() + "://" + uri.getRawAuthority()));
            origins = defaults;
        }
        return new TransportGuard(origins, hosts);
    }

    /**
     * Checks {@code request}.
     *
     * @throws JsonRpcRefusal 403 (with a JSON-RPC error without {@code id}) for an origin or host
     *     that is not allowed, or for more than one {@code Origin} header
     */
    public void check(HttpServletRequest request) throws JsonRpcRefusal {
        List<String> origins = HeaderCheck.values(request, "Origin");
        if (origins.size() > 1) {
            throw forbidden("Forbidden: more than one Origin header");
        }
        if (!origins.isEmpty() && !allowsOrigin(origins.get(0))) {
            throw forbidden("Forbidden: the Origin header is not an allowed origin");
        }
        if (isLoopback(request.getLocalAddr()) && !allowsHost(request.getServerName())) {
            throw forbidden("Forbidden: this server only answers requests for a loopback host name");
        }
    }

    private boolean allowsOrigin(String origin) {
        OriginPattern.Origin parsed = OriginPattern.Origin.parse(origin);
        return parsed != null && allowedOrigins.stream().anyMatch(p -> p.matches(parsed));
    }

    private boolean allowsHost(String host) {
        return host != null && (Endpoints.isLoopback(host) || allowedHosts.contains(host.toLowerCase(Locale.ROOT)));
    }

    /** Whether the connection's local address, an IP literal from the socket, is a loopback address. */
    static boolean isLoopback(String localAddress) {
        if (localAddress == null || localAddress.isEmpty()) {
            return false;
        }
        if (Endpoints.isLoopback(localAddress)) {
            return true;
        }
        if (localAddress.indexOf(':') < 0) {
            return false;
        }
        // An IPv6 literal in another spelling (0:0:0:0:0:0:0:1, ::ffff:127.0.0.1). In brackets, Java
        // parses it as a literal or refuses it, and never asks DNS.
        String bracketed = localAddress.startsWith("[") ? localAddress : "[" + localAddress + "]";
        try {
            return InetAddress.getByName(bracketed).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static JsonRpcRefusal forbidden(String message) {
        return JsonRpcRefusal.withoutId(403, JsonRpcRefusal.SERVER_ERROR, message);
    }

    /**
     * An allowed origin: {@code scheme://host[:port]}, or {@code scheme://host:*} for any port.
     * Schemes and hosts compare case-insensitively; a missing port is the scheme's default.
     */
    public record OriginPattern(String scheme, String host, int port) {
        /** {@code port} of a pattern that matches any port. */
        static final int ANY_PORT = -2;

        /**
         * Parses a pattern.
         *
         * @throws IllegalArgumentException unless {@code http} or {@code https} with a host and
         *     nothing after the port
         */
        public static OriginPattern parse(String pattern) {
            Checks.requireArgument(pattern != null, "allowed origin must not be null");
            boolean anyPort = pattern.endsWith(":*");
            String base = anyPort ? pattern.substring(0, pattern.length() - 2) : pattern;
            Origin origin = Origin.parse(base);
            Checks.requireArgument(origin != null && (!anyPort || !base.matches(".*:\\d+$")),
                    "allowed origin must be http(s)://host[:port] or http(s)://host:*, not '"
                            + Endpoints.printable(pattern, 100) + "'");
            return new OriginPattern(origin.scheme(), origin.host(), anyPort ? ANY_PORT : origin.port());
        }

        boolean matches(Origin origin) {
            return scheme.equals(origin.scheme()) && host.equals(origin.host())
                    && (port == ANY_PORT || port == origin.port());
        }

        @Override
        public String toString() {
            return scheme + "://" + host + (port == ANY_PORT ? ":*" : ":" + port);
        }

        /** A serialized origin (RFC 6454 §6.2) as received: scheme, lower-case host, effective port. */
        record Origin(String scheme, String host, int port) {
            /** The origin, or {@code null} unless {@code http(s)://host[:port]} with nothing else. */
            static Origin parse(String value) {
                URI uri;
                try {
                    uri = new URI(value);
                } catch (URISyntaxException e) {
                    return null;
                }
                String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
                boolean http = "http".equals(scheme);
                if (!(http || "https".equals(scheme)) || uri.getHost() == null || uri.getRawUserInfo() != null
                        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                        || uri.getRawFragment() != null) {
                    return null;
                }
                int port = uri.getPort() >= 0 ? uri.getPort() : http ? 80 : 443;
                return new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port);
            }
        }
    }
}
