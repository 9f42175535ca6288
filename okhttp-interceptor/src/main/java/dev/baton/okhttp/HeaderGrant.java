package dev.baton.okhttp;

import okhttp3.HttpUrl;

/**
 * A request tag: "write this exchanged token into this custom header, but only on the route's
 * origin". {@link TokenExchangeInterceptor} attaches it; {@link CustomHeaderWriter} (a network
 * interceptor) acts on it. OkHttp copies tags into redirect follow-ups but the writer checks the
 * origin of every network request, so a cross-origin redirect never carries the header.
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
        return route.header();
    }

    /** The header value, or {@code null} when {@code url} is not on the route's origin. */
    String valueFor(HttpUrl url) {
        seen = true;
        return route.sameOrigin(url) ? value : null;
    }

    /** Whether a {@link CustomHeaderWriter} saw a network request carrying this grant. */
    boolean seen() {
        return seen;
    }

    @Override
    public String toString() {
        return "HeaderGrant[header=" + route.header() + ", route=" + route + "]";
    }
}
