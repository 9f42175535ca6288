package dev.baton.okhttp.internal;

import java.util.List;
import okhttp3.HttpUrl;

/**
 * The configured routes, checked together, and the lookup of the route a request is on: core's
 * {@link dev.baton.internal.routing.RouteTable} for OkHttp's {@link HttpUrl}. Immutable. Not API.
 */
public final class RouteTable {
    private final dev.baton.internal.routing.RouteTable<Route> routes;

    private RouteTable(dev.baton.internal.routing.RouteTable<Route> routes) {
        this.routes = routes;
    }

    /**
     * The table of {@code routes}, checked as a whole: at least one route, and every route
     * {@linkplain Route#isSecure() secure} ({@code https}, or {@code http} to a loopback host), a
     * plain {@code http} one only when {@code allowHttpOnLoopback}. A token sent over plain HTTP
     * across a network can be stolen and replayed (RFC 6750 §5.3).
     *
     * @throws IllegalStateException if a check fails; the message names the route and the fix
     */
    public static RouteTable of(List<Route> routes, boolean allowHttpOnLoopback) {
        return new RouteTable(dev.baton.internal.routing.RouteTable.of(routes, Route::prefix, allowHttpOnLoopback,
                "allowHttpOnLoopback()"));
    }

    /**
     * Checks that {@code added} covers other requests than every route in {@code routes}.
     *
     * @throws IllegalArgumentException if a route has the same origin and path prefix
     */
    public static void requireNewTarget(List<Route> routes, Route added) {
        dev.baton.internal.routing.RouteTable.requireNewTarget(routes.stream().map(Route::prefix).toList(),
                added.prefix(), added.toString());
    }

    /** The most specific route {@code url} is on, or {@code null} when it is on none. */
    public Route routeFor(HttpUrl url) {
        return routes.routeFor(url.scheme(), url.host(), url.port(), url.encodedPath());
    }

    /** The routes, most specific first; never a token. */
    @Override
    public String toString() {
        return routes.toString();
    }
}
