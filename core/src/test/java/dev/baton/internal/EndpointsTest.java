package dev.baton.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointsTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.10.20.30", "127.255.255.255", "::1", "[::1]"})
    void recognisesLoopbackHosts(String host) {
        assertThat(Endpoints.isLoopback(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.evil.example", "127.0.0.1.evil.net", "localhost.evil.net", "10.0.0.1",
            "127.0.0.256", "127.0.0", "128.0.0.1", "0:0:0:0:0:0:0:2", ""})
    void refusesHostsThatOnlyLookLikeLoopback(String host) {
        assertThat(Endpoints.isLoopback(host)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://idp.example.com/oauth2/mcp", "http://127.0.0.1:8080/x", "http://[::1]/x",
            "http://localhost/x"})
    void acceptsHttpsAndLoopbackHttp(String url) {
        assertThat(Endpoints.isSecure(URI.create(url))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://idp.example.com/x", "http://127.evil.example/x", "ftp://127.0.0.1/x", "/relative"})
    void refusesPlainHttpToOtherHostsAndOtherSchemes(String url) {
        assertThat(Endpoints.isSecure(URI.create(url))).isFalse();
    }
}
