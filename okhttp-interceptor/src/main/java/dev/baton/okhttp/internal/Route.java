package dev.baton.okhttp.internal;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import dev.baton.internal.Checks;
import dev.baton.internal.Endpoints;
import dev.baton.internal.routing.RoutePrefix;
import dev.baton.okhttp.TokenInjectionException;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import okhttp3.HttpUrl;

/**
 * One configured route: an origin (scheme, host, port) plus a path prefix (core's
 * {@link RoutePrefix}, which does the matching), how to build the exchange request (RFC 8693 §2.1)
 * for it, and where its token goes. Immutable. Not API.
 */
public final class Route {
    private final RoutePrefix prefix;
    private final String display;
    private final TokenHeader header;
    private final List<String> audiences;
    private final List<String> resources;
    private final List<String> scopes;
    private final TokenType requestedTokenType;
    private final Supplier<String> actorToken;
    private final TokenType actorTokenType;

    /**
     * A route; the collections are copied.
     *
     * @param prefix the route's URL prefix, as {@link #parsePrefix(String)} returns it
     * @param header where the exchanged token goes
     * @param audiences the {@code audience} values (RFC 8693 §2.1)
     * @param resources the {@code resource} values (RFC 8707 §2)
     * @param scopes the requested scopes (RFC 6749 §3.3), already checked
     * @param requestedTokenType the {@code requested_token_type}, or {@code null} for the server's default
     * @param actorToken supplies the {@code actor_token} for each exchange, or {@code null} for none
     * @param actorTokenType the {@code actor_token_type}; ignored without {@code actorToken}
     */
    public Route(HttpUrl prefix, TokenHeader header, Collection<String> audiences, Collection<String> resources,
            Collection<String> scopes, TokenType requestedTokenType, Supplier<String> actorToken,
            TokenType actorTokenType) {
        this.prefix = new RoutePrefix(prefix.scheme(), prefix.host(), prefix.port(), prefix.encodedPath());
        this.display = this.prefix.toString();
        this.header = header;
        this.audiences = List.copyOf(audiences);
        this.resources = List.copyOf(resources);
        this.scopes = List.copyOf(scopes);
        this.requestedTokenType = requestedTokenType;
        this.actorToken = actorToken;
        this.actorTokenType = actorTokenType;
    }

    /**
     * {@code urlPrefix} parsed as a route prefix: an absolute {@code http} or {@code https} URL with
     * no user info, query or fragment. Whether plain {@code http} is allowed is decided later, by
     * {@link RouteTable#of}, since it depends on another builder setting.
     *
     * @throws IllegalArgumentException if it is not such a URL; user info is never echoed
     */
    public static HttpUrl parsePrefix(String urlPrefix) {
        HttpUrl url = HttpUrl.parse(urlPrefix);
        // Not echoed: a string that does not parse may still carry a password.
        Checks.requireArgument(url != null, "route must be an absolute http or https URL");
        Checks.requireArgument(url.encodedUsername().isEmpty() && url.encodedPassword().isEmpty(),
                "route must not contain user info");
        Checks.requireArgument(url.encodedQuery() == null && url.encodedFragment() == null,
                "route must not contain a query or fragment: " + url.scheme() + "://" + url.host() + url.encodedPath());
        return url;
    }

    /**
     * Whether {@code url} is on this route: same scheme, host (case-insensitive; {@link HttpUrl}
     * already lower-cases and IDN-encodes it) and effective port, and a path equal to the prefix
     * or below it on a segment boundary ({@code /graphql} matches {@code /graphql} and
     * {@code /graphql/x}, never {@code /graphqlx}). Paths are compared in their encoded form, so an
     * encoded slash ({@code %2F}) never creates a segment boundary.
     */
    public boolean matches(HttpUrl url) {
        return prefix.matches(url.scheme(), url.host(), url.port(), url.encodedPath());
    }

    /** Whether {@code url} has this route's scheme, host and port (RFC 6454 origin). */
    public boolean sameOrigin(HttpUrl url) {
        return prefix.sameOrigin(url.scheme(), url.host(), url.port());
    }

    /** Whether both routes cover exactly the same requests. */
    public boolean sameTarget(Route other) {
        return prefix.sameTarget(other.prefix);
    }

    /** The length of the path prefix: the longer, the more specific the route. */
    public int prefixLength() {
        return prefix.length();
    }

    /** Whether the route is {@code https}, or {@code http} to a loopback host ({@link Endpoints#isSecure}). */
    public boolean isSecure() {
        return prefix.isSecure();
    }

    /** Whether the route uses plain {@code http}. */
    public boolean isPlainHttp() {
        return prefix.isPlainHttp();
    }

    /** The scheme, host, port and path prefix this route covers. */
    public RoutePrefix prefix() {
        return prefix;
    }

    /** Where the exchanged token goes. */
    public TokenHeader header() {
        return header;
    }

    /**
     * The exchange request: {@code withSubject} (a builder holding the subject token) completed
     * with this route's audiences, resources, scopes, requested token type and actor token.
     *
     * @throws TokenInjectionException if the actor token supplier fails or returns no token
     */
    public ExchangeRequest exchangeRequest(ExchangeRequest.Builder withSubject) throws TokenInjectionException {
        withSubject.audiences(audiences).scopes(scopes).resource(resources.toArray(String[]::new));
        if (requestedTokenType != null) {
            withSubject.requestedTokenType(requestedTokenType);
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
                throw new TokenInjectionException("the actor token supplier of route " + display
                        + " returned no token");
            }
            withSubject.actorToken(actor, actorTokenType);
        }
        return withSubject.build();
    }

    /** Origin, path prefix, header and exchange parameters; never the actor token. */
    @Override
    public String toString() {
        return display + " -> " + header.name() + " (audience=" + audiences + ", resource=" + resources + ", scope="
                + scopes + (requestedTokenType == null ? "" : ", requested_token_type=" + requestedTokenType)
                + (actorToken == null ? "" : ", actor_token_type=" + actorTokenType) + ")";
    }

    /** Scheme, host, port and path prefix, for messages. */
    public String target() {
        return display;
    }
}
