package dev.baton.okhttp.internal;

import dev.baton.internal.Checks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * The configured routes, checked together, and the lookup of the route a request is on. Immutable.
 * Not API.
 */
public final class RouteTable {
    /** Longest path prefix first, so the most specific route wins. */
    private final List<Route> routes;

    private RouteTable(List<Route> routes) {
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
        Checks.requireState(!routes.isEmpty(),
                "add at least one route; requests outside every route never get a token");
        for (Route route : routes) {
            Checks.requireState(route.isSecure(), "route " + route.target() + " uses plain http to a host that is "
                    + "not loopback; tokens are only sent over https (RFC 6750 section 5.3)");
            Checks.requireState(!route.isPlainHttp() || allowHttpOnLoopback, "route " + route.target() + " uses plain "
                    + "http; only https routes are allowed unless allowHttpOnLoopback() is set (loopback hosts only, "
                    + "for development)");
        }
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparingInt(Route::prefixLength).reversed());
        return new RouteTable(List.copyOf(sorted));
    }

    /**
     * Checks that {@code added} covers other requests than every route in {@code routes}.
     *
     * @throws IllegalArgumentException if a route has the same origin and path prefix
     */
    public static void requireNewTarget(List<Route> routes, Route added) {
        for (Route existing : routes) {
            Checks.requireArgument(!existing.sameTarget(added), "two routes for the same URL prefix: " + added);
        }
    }

    /** The most specific route {@code url} is on, or {@code null} when it is on none. */
    public Route routeFor(HttpUrl url) {
        for (Route route : routes) {
            if (route.matches(url)) {
                return route;
            }
        }
        return null;
    }

    /** The routes, most specific first; never a token. */
    @Override
    public String toString() {
        return routes.toString();
    }
}
