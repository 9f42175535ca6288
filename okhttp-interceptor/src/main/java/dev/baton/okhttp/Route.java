package dev.baton.okhttp;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import java.util.List;
import java.util.function.Supplier;
import okhttp3.HttpUrl;

/**
 * One configured route: an origin (scheme, host, port) plus a path prefix, and how to build the
 * exchange request for it. Immutable.
 */
final class Route {
    static final String AUTHORIZATION = "Authorization";

    private final String scheme;
    private final String host;
    private final int port;
    /** The encoded path prefix without a trailing slash; empty for the whole origin. */
    private final String pathPrefix;
    private final String display;
    private final String customHeader;
    private final List<String> audiences;
    private final List<String> resources;
    private final List<String> scopes;
    private final TokenType requestedTokenType;
    private final Supplier<String> actorToken;
    private final TokenType actorTokenType;

    Route(HttpUrl prefix, String customHeader, List<String> audiences, List<String> resources, List<String> scopes,
            TokenType requestedTokenType, Supplier<String> actorToken, TokenType actorTokenType) {
        this.scheme = prefix.scheme();
        this.host = prefix.host();
        this.port = prefix.port();
        String path = prefix.encodedPath();
        this.pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.display = scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                + (pathPrefix.isEmpty() ? "/" : pathPrefix);
        this.customHeader = customHeader;
        this.audiences = List.copyOf(audiences);
        this.resources = List.copyOf(resources);
        this.scopes = List.copyOf(scopes);
        this.requestedTokenType = requestedTokenType;
        this.actorToken = actorToken;
        this.actorTokenType = actorTokenType;
    }

    /**
     * Whether {@code url} is on this route: same scheme, host (case-insensitive; {@link HttpUrl}
     * already lower-cases and IDN-encodes it) and effective port, and a path equal to the prefix
     * or below it on a segment boundary ({@code /graphql} matches {@code /graphql} and
     * {@code /graphql/x}, never {@code /graphqlx}). Paths are compared in their encoded form, so an
     * encoded slash ({@code %2F}) never creates a segment boundary.
     */
    boolean matches(HttpUrl url) {
        if (url.port() != port || !scheme.equals(url.scheme()) || !host.equalsIgnoreCase(url.host())) {
            return false;
        }
        if (pathPrefix.isEmpty()) {
            return true;
        }
        String path = url.encodedPath();
        return path.startsWith(pathPrefix)
                && (path.length() == pathPrefix.length() || path.charAt(pathPrefix.length()) == '/');
    }

    /** Whether {@code url} has this route's scheme, host and port (RFC 6454 origin). */
    boolean sameOrigin(HttpUrl url) {
        return url.port() == port && scheme.equals(url.scheme()) && host.equalsIgnoreCase(url.host());
    }

    /** Whether both routes cover exactly the same requests. */
    boolean sameTarget(Route other) {
        return port == other.port && scheme.equals(other.scheme) && host.equalsIgnoreCase(other.host)
                && pathPrefix.equals(other.pathPrefix);
    }

    int prefixLength() {
        return pathPrefix.length();
    }

    /** The header the exchanged token goes into: {@code Authorization} or the custom one. */
    String header() {
        return customHeader == null ? AUTHORIZATION : customHeader;
    }

    boolean usesCustomHeader() {
        return customHeader != null;
    }

    /**
     * The exchange request for {@code subject}.
     *
     * @throws TokenInjectionException if the actor token supplier fails or returns no token
     */
    ExchangeRequest exchangeRequest(SubjectToken subject) throws TokenInjectionException {
        ExchangeRequest.Builder b = ExchangeRequest.builder();
        subject.applyTo(b);
        b.audiences(audiences).scopes(scopes);
        for (String r : resources) {
            b.resource(r);
        }
        if (requestedTokenType != null) {
            b.requestedTokenType(requestedTokenType);
        }
        if (actorToken != null) {
            String actor;
            try {
                actor = actorToken.get();
            } catch (RuntimeException e) {
                throw new TokenInjectionException("the actor token supplier of route " + display + " failed: "
                        + e.getClass().getName());
            }
            if (actor == null || actor.isBlank()) {
                throw new TokenInjectionException("the actor token supplier of route " + display + " returned no token");
            }
            b.actorToken(actor, actorTokenType);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return display + " -> " + header() + " (audience=" + audiences + ", resource=" + resources + ", scope="
                + scopes + (requestedTokenType == null ? "" : ", requested_token_type=" + requestedTokenType)
                + (actorToken == null ? "" : ", actor_token_type=" + actorTokenType) + ")";
    }
}
