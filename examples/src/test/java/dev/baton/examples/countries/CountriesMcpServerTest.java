package dev.baton.examples.countries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CountriesMcpServerTest {

    @Test
    void tokenValidatorIsBuiltForTheConfiguredIssuerAndScopes() {
        CountriesServerConfig config = CountriesServerConfig.defaults(
                        "http://127.0.0.1:1/mcp", "http://127.0.0.1:1/backend/token", "client", "secret",
                        "http://127.0.0.1:2/graphql")
                .withEnvironment(Map.of("OIDC_SCOPES", "mcp:tools:call,mcp:tools:list"));

        try (TokenValidator validator = CountriesMcpServer.tokenValidator(config, AuditListener.none())) {
            assertThat(validator.issuer()).contains("http://127.0.0.1:1/mcp");
            assertThat(validator.requiredScopes()).containsExactlyInAnyOrder("mcp:tools:call", "mcp:tools:list");
        }
    }

    @Test
    void releasesItsPortWhenASettingIsRefusedAfterBinding() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // Plain http to a host that is not loopback: the interceptor's builder refuses it, after the
        // connector has been bound (the resource URL needs the port first).
        CountriesServerConfig config = CountriesServerConfig.defaults(
                        "http://127.0.0.1:1/mcp", "http://127.0.0.1:1/backend/token", "client", "secret",
                        "http://countries.example.com/graphql")
                .withEnvironment(Map.of("PORT", Integer.toString(port)));

        Throwable failure = catchThrowable(() -> CountriesMcpServer.start(config, AuditListener.none()));

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("route http://countries.example.com:80/graphql")
                .hasMessageContaining("plain http to a host that is not loopback");
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
