package dev.baton.internal.routing;

import dev.baton.internal.Checks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The configured routes of an HTTP-client adapter, checked together, and the lookup of the route a
 * request is on: the rule both adapters (OkHttp, Spring's {@code RestClient}) apply, written once.
 * Immutable. Not API.
 *
 * @param <R> the adapter's route type
 */
public final class RouteTable<R> {
    /** Longest path prefix first, so the most specific route wins. */
    private final List<R> routes;
    private final Function<R, RoutePrefix> prefixOf;

    private RouteTable(List<R> routes, Function<R, RoutePrefix> prefixOf) {
        this.routes = routes;
        this.prefixOf = prefixOf;
    }

    /**
     * The table of {@code routes}, checked as a whole: at least one route, and every route
     * {@linkplain RoutePrefix#isSecure() secure} ({@code https}, or {@code http} to a loopback host), a
     * plain {@code http} one only when {@code allowHttpOnLoopback}. A token sent over plain HTTP
     * across a network can be stolen and replayed (RFC 6750 §5.3).
     *
     * @param routes the routes, in any order
     * @param prefixOf the prefix of a route
     * @param allowHttpOnLoopback whether plain {@code http} routes to a loopback host are allowed
     * @param allowSetting the name of the setting that allows them, for the message
     * @throws IllegalStateException if a check fails; the message names the route and the fix
     */
    public static <R> RouteTable<R> of(List<R> routes, Function<R, RoutePrefix> prefixOf, boolean allowHttpOnLoopback,
            String allowSetting) {
        Checks.requireState(!routes.isEmpty(),
                "add at least one route; requests outside every route never get a token");
        for (R route : routes) {
            RoutePrefix prefix = prefixOf.apply(route);
            Checks.requireState(prefix.isSecure(), "route " + prefix + " uses plain http to a host that is "
                    + "not loopback; tokens are only sent over https (RFC 6750 section 5.3)");
            Checks.requireState(!prefix.isPlainHttp() || allowHttpOnLoopback, "route " + prefix + " uses plain "
                    + "http; only https routes are allowed unless " + allowSetting + " is set (loopback hosts only, "
                    + "for development)");
        }
        List<R> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparingInt((R r) -> prefixOf.apply(r).length()).reversed());
        return new RouteTable<>(List.copyOf(sorted), prefixOf);
    }

    /**
     * Checks that {@code added} covers other requests than every prefix in {@code existing}.
     *
     * @param what how {@code added} is named in the message
     * @throws IllegalArgumentException if a route has the same origin and path prefix
     */
    public static void requireNewTarget(List<RoutePrefix> existing, RoutePrefix added, String what) {
        for (RoutePrefix prefix : existing) {
            Checks.requireArgument(!prefix.sameTarget(added), "two routes for the same URL prefix: " + what);
        }
    }

    /** The most specific route the normalized request URL is on, or {@code null} when it is on none. */
    public R routeFor(String scheme, String host, int port, String encodedPath) {
        for (R route : routes) {
            if (prefixOf.apply(route).matches(scheme, host, port, encodedPath)) {
                return route;
            }
        }
        return null;
    }

    /** The most specific route a request to {@code uri} is on ({@link RoutePrefix#matches(java.net.URI)}), or {@code null}. */
    public R routeFor(java.net.URI uri) {
        for (R route : routes) {
            if (prefixOf.apply(route).matches(uri)) {
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
