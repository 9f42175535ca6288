package dev.baton.servlet.internal;

import dev.baton.internal.Checks;
import dev.baton.internal.Endpoints;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CORS headers (Fetch standard, "CORS protocol") that let a browser-based MCP client read the
 * protected resource metadata and the {@code WWW-Authenticate} challenge, and, for configured
 * origins, call the protected endpoints. Not API.
 *
 * <p>The metadata, the challenges and the preflights are public information, so they are readable
 * from any origin ({@code Access-Control-Allow-Origin: *}, never with credentials): a browser
 * client of any origin must be able to send its real request and read the challenge to discover
 * the authorization server. Accepted (protected) responses are only opened to the configured
 * origins.
 */
public final class Cors {
    /** RFC 9110 §5.6.2 token, for the method echoed in a preflight answer. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
    /** A comma-separated list of header names, for the headers echoed in a preflight answer. */
    private static final Pattern TOKEN_LIST =
            Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}(\\s*,\\s*[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}){0,31}");
    private static final String EXPOSED = "WWW-Authenticate, Mcp-Session-Id";

    private final Set<String> allowedOrigins;
    private final boolean anyOrigin;

    /** @param allowedOrigins origins ({@code scheme://host[:port]}) allowed to call protected paths; {@code *} for any */
    public Cors(Set<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.contains("*");
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /**
     * {@code origin}, checked to be {@code *} or a serialised origin (Fetch standard, RFC 6454 §6.2):
     * {@code scheme://host[:port]}, without path, query or user info.
     *
     * @throws NullPointerException if {@code origin} is null
     * @throws IllegalArgumentException otherwise
     */
    public static String requireOrigin(String origin) {
        Objects.requireNonNull(origin, "origin");
        if (!"*".equals(origin)) {
            URI uri = WebUrls.absolute(origin, "CORS origin");
            Checks.requireArgument(uri.getHost() != null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawUserInfo() == null,
                    "CORS origin must be scheme://host[:port]: " + Endpoints.redacted(uri));
        }
        return origin;
    }

    /** Whether the request is a CORS preflight: {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}. */
    public static boolean isPreflight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }

    /** Adds the headers that let any origin read a challenge and its {@code WWW-Authenticate} header. */
    static void exposeChallenge(HttpServletResponse response) {
        if (!response.containsHeader("Access-Control-Allow-Origin")) {
            response.setHeader("Access-Control-Allow-Origin", "*");
        }
        response.addHeader("Access-Control-Expose-Headers",
                response.containsHeader("DPoP-Nonce") ? "WWW-Authenticate, DPoP-Nonce" : "WWW-Authenticate");
    }

    /** Adds the headers that let any origin read the metadata document. */
    public static void allowMetadata(HttpServletResponse response) {
        if (!response.containsHeader("Access-Control-Allow-Origin")) {
            response.setHeader("Access-Control-Allow-Origin", "*");
        }
    }

    /** Answers a preflight for the metadata document: any origin may {@code GET} it. */
    public static void metadataPreflight(HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(204);
        allowMetadata(response);
        response.setHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        echoHeaders(request, response);
        response.setHeader("Access-Control-Max-Age", "3600");
    }

    /** Whether {@code origin} may call protected paths. */
    public boolean allows(String origin) {
        return origin != null && (anyOrigin || allowedOrigins.contains(origin));
    }

    /**
     * Answers a preflight for a protected path, from any origin: 204 with
     * {@code Access-Control-Allow-Origin: *}, the requested method and headers (notably
     * {@code Authorization}, {@code Mcp-Session-Id}, {@code Mcp-Protocol-Version},
     * {@code Last-Event-ID}) and a max age; never {@code Access-Control-Allow-Credentials}.
     * Browsers never send credentials on a preflight, so it cannot carry a token and is answered
     * without one; whether the browser may read the real response is decided on that response.
     */
    public static void protectedPreflight(HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(204);
        response.setHeader("Access-Control-Allow-Origin", "*");
        String method = request.getHeader("Access-Control-Request-Method");
        if (method != null && TOKEN.matcher(method).matches()) {
            response.setHeader("Access-Control-Allow-Methods", method);
        }
        echoHeaders(request, response);
        response.setHeader("Access-Control-Max-Age", "600");
        // The answer echoes these request headers, so a cache must key on them.
        response.addHeader("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
    }

    /** Opens a protected response to an allowed origin (before the application writes it). */
    public void allowProtected(HttpServletRequest request, HttpServletResponse response) {
        String origin = request.getHeader("Origin");
        if (allows(origin)) {
            allowOrigin(origin, response);
            response.setHeader("Access-Control-Expose-Headers", EXPOSED);
        }
    }

    private void allowOrigin(String origin, HttpServletResponse response) {
        // Echo the one origin rather than '*' so a response that varies by origin is cached per origin.
        response.setHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
        response.addHeader("Vary", "Origin");
    }

    private static void echoHeaders(HttpServletRequest request, HttpServletResponse response) {
        String headers = request.getHeader("Access-Control-Request-Headers");
        if (headers != null && TOKEN_LIST.matcher(headers.strip()).matches()) {
            response.setHeader("Access-Control-Allow-Headers", headers.strip());
        }
    }
}
