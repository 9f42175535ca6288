package dev.baton.okhttp.internal;

import okhttp3.HttpUrl;

/**
 * A request tag: "write this exchanged token into this custom header, but only on requests
 * the route covers". {@link TokenHeader#attach} attaches it; {@link CustomHeaderWriter} (a network
 * interceptor) acts on it. OkHttp copies tags into redirect follow-ups but the writer checks the
 * URL of every network request, so a redirect off the route never carries the header.
 * {@link #toString()} never shows the token.
 */
final class HeaderGrant {
    private final Route route;
    private final String value;
    private volatile boolean seen;

    HeaderGrant(Route route, String value) {
        this.route = route;
        this.value = value;
    }

    String header() {
        return route.header().name();
    }

    /**
     * The header value, or {@code null} when the route does not cover {@code url}: a redirect to
     * another origin, or to a path outside the route's prefix on the same origin.
     */
    String valueFor(HttpUrl url) {
        seen = true;
        return route.matches(url) ? value : null;
    }

    /** Whether a {@link CustomHeaderWriter} saw a network request carrying this grant. */
    boolean seen() {
        return seen;
    }

    @Override
    public String toString() {
        return "HeaderGrant[header=" + route.header().name() + ", route=" + route + "]";
    }
}
