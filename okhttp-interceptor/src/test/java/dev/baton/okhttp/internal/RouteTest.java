package dev.baton.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** Which requests a route covers (docs/security.md case 32). */
class RouteTest {

    private static Route route(String prefix) {
        return new Route(HttpUrl.get(prefix), TokenHeader.AUTHORIZATION, List.of("backend"), List.of(), List.of(), null,
                null, null);
    }

    private static boolean matches(String prefix, String url) {
        return route(prefix).matches(HttpUrl.get(url));
    }

    @Test
    void matchesThePrefixItself() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphql")).isTrue();
    }

    @Test
    void matchesPathsBelowThePrefix() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphql/x?q=1")).isTrue();
    }

    @Test
    void doesNotMatchAPathThatOnlySharesThePrefix() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphqlx")).isFalse();
    }

    @Test
    void doesNotMatchAParentPath() {
        assertThat(matches("https://api.example.com/graphql/v2", "https://api.example.com/graphql")).isFalse();
    }

    @Test
    void trailingSlashInThePrefixStillMatchesOnSegmentBoundaries() {
        Route r = route("https://api.example.com/graphql/");
        assertThat(r.matches(HttpUrl.get("https://api.example.com/graphql/x"))).isTrue();
        assertThat(r.matches(HttpUrl.get("https://api.example.com/graphqlx"))).isFalse();
    }

    @Test
    void rootPrefixMatchesTheWholeOrigin() {
        assertThat(matches("https://api.example.com", "https://api.example.com/anything/below")).isTrue();
    }

    @Test
    void encodedSlashIsNotASegmentBoundary() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphql%2Fx")).isFalse();
    }

    @Test
    void comparesHostsCaseInsensitively() {
        assertThat(matches("https://API.Example.COM/graphql", "https://api.example.com/graphql")).isTrue();
    }

    @Test
    void treatsTheDefaultPortAsExplicit() {
        assertThat(matches("https://api.example.com:443/graphql", "https://api.example.com/graphql")).isTrue();
        assertThat(matches("http://localhost/graphql", "http://localhost:80/graphql")).isTrue();
    }

    @Test
    void doesNotMatchAnotherPort() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com:8443/graphql")).isFalse();
    }

    @Test
    void doesNotMatchAnotherScheme() {
        assertThat(matches("https://api.example.com/graphql", "http://api.example.com:443/graphql")).isFalse();
    }

    @Test
    void doesNotMatchASubdomainOrLookAlikeHost() {
        assertThat(matches("https://api.example.com/graphql", "https://evil.api.example.com/graphql")).isFalse();
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com.evil.net/graphql")).isFalse();
    }

    @Test
    void pathComparisonIsCaseSensitive() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/GraphQL")).isFalse();
    }

    @Test
    void toStringShowsOriginPrefixAndHeaderOnly() {
        assertThat(route("https://api.example.com/graphql").toString())
                .startsWith("https://api.example.com:443/graphql -> Authorization");
    }
}
