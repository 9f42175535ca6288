package dev.baton.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Which requests a route prefix covers, for adapters that see a {@link URI} (docs/security.md case 32). */
class RoutePrefixTest {

    private static boolean matches(String prefix, String url) {
        return RoutePrefix.parse(prefix, "route").matches(URI.create(url));
    }

    @Test
    void matchesThePrefixAndPathsBelowIt() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphql")).isTrue();
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphql/x?q=1")).isTrue();
    }

    @Test
    void doesNotMatchAPathThatOnlySharesThePrefix() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphqlx")).isFalse();
    }

    @Test
    void comparesHostsCaseInsensitivelyAndPortsWithTheirDefaults() {
        assertThat(matches("https://API.example.com/graphql", "https://api.EXAMPLE.com:443/graphql")).isTrue();
        assertThat(matches("http://127.0.0.1/graphql", "http://127.0.0.1:80/graphql")).isTrue();
    }

    @Test
    void doesNotMatchAnotherSchemeHostOrPort() {
        assertThat(matches("https://api.example.com/", "http://api.example.com/")).isFalse();
        assertThat(matches("https://api.example.com/", "https://api.example.com.evil.test/")).isFalse();
        assertThat(matches("https://api.example.com/", "https://api.example.com:8443/")).isFalse();
    }

    @Test
    void matchesIpv6LiteralsWrittenWithBrackets() {
        assertThat(matches("http://[::1]:8080/graphql", "http://[::1]:8080/graphql")).isTrue();
    }

    @Test
    void doesNotMatchAPathThatLeavesThePrefixWithDotSegments() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphql/../admin")).isFalse();
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/x/../graphql")).isFalse();
    }

    @Test
    void anEncodedSlashIsNoSegmentBoundary() {
        assertThat(matches("https://api.example.com/graphql", "https://api.example.com/graphql%2Fx")).isFalse();
    }

    @Test
    void refusesPrefixesWithUserInfoQueryOrAnotherScheme() {
        assertThatIllegalArgumentException().isThrownBy(() -> RoutePrefix.parse("https://u:secret@h/", "baton.routes[0].url"))
                .withMessage("baton.routes[0].url must not contain user info");
        assertThatIllegalArgumentException().isThrownBy(() -> RoutePrefix.parse("https://h/?q", "route"))
                .withMessageStartingWith("route must not contain a query");
        assertThatIllegalArgumentException().isThrownBy(() -> RoutePrefix.parse("ftp://h/", "route"))
                .withMessage("route must be an absolute http or https URL");
        assertThatIllegalArgumentException().isThrownBy(() -> RoutePrefix.parse("/relative", "route"))
                .withMessage("route must be an absolute http or https URL");
    }
}
