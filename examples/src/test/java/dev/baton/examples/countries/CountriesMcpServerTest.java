package dev.baton.examples.countries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.AuditListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CountriesMcpServerTest {

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

        assertThat(failure).isNotNull();
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(again.isBound()).isTrue();
        }
    }
}
