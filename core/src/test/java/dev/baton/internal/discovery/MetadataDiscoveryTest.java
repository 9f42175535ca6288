package dev.baton.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.baton.EndpointObserver;
import dev.baton.internal.http.BoundedHttp;
import dev.baton.testkit.TestAuthorizationServer;
import java.net.URI;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class MetadataDiscoveryTest {
    private static final EndpointObserver NONE = EndpointObserver.none();
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final TestAuthorizationServer as = new TestAuthorizationServer(server);

    @Test
    void insertsWellKnownSegmentBeforeIssuerPath() {
        assertThat(MetadataDiscovery.rfc8414Uri("https://h/oauth2/mcp"))
                .isEqualTo(URI.create("https://h/.well-known/oauth-authorization-server/oauth2/mcp"));
        assertThat(MetadataDiscovery.rfc8414Uri("https://h:8443"))
                .isEqualTo(URI.create("https://h:8443/.well-known/oauth-authorization-server"));
    }

    @Test
    void appendsOpenIdConfigurationToIssuer() {
        assertThat(MetadataDiscovery.oidcUri("https://h/realms/demo"))
                .isEqualTo(URI.create("https://h/realms/demo/.well-known/openid-configuration"));
    }

    @Test
    void rejectsIssuerWithQuery() {
        assertThatThrownBy(() -> MetadataDiscovery.rfc8414Uri("https://h/x?a=b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void discoversRfc8414MetadataFirst() throws Exception {
        AuthorizationServerMetadata m =
                MetadataDiscovery.discover(BoundedHttp.newClient(), NONE, as.issuer(), DEADLINE);

        assertThat(m.getJWKSetURI()).isEqualTo(URI.create(as.jwksUri()));
        assertThat(m.getTokenEndpointURI()).isEqualTo(URI.create(as.tokenEndpoint()));
        assertThat(as.discoveryRequests()).isEqualTo(1);
    }

    @Test
    void fallsBackToOpenIdConfiguration() throws Exception {
        as.discovery(TestAuthorizationServer.Discovery.OIDC);

        AuthorizationServerMetadata m =
                MetadataDiscovery.discover(BoundedHttp.newClient(), NONE, as.issuer(), DEADLINE);

        assertThat(m).isInstanceOf(OIDCProviderMetadata.class);
        assertThat(m.getJWKSetURI()).isEqualTo(URI.create(as.jwksUri()));
        assertThat(as.discoveryRequests()).isEqualTo(2);
    }

    @Test
    void rejectsMetadataNamingAnotherIssuer() {
        as.metadataIssuer(as.issuer() + "/");

        assertThatThrownBy(() -> MetadataDiscovery.discover(BoundedHttp.newClient(), NONE, as.issuer(), DEADLINE))
                .isInstanceOf(MetadataDiscovery.DiscoveryException.class)
                .hasMessageContaining("does not equal the configured issuer");
    }

    @Test
    void failsWhenNeitherDocumentExists() {
        as.discovery(TestAuthorizationServer.Discovery.NONE);

        assertThatThrownBy(() -> MetadataDiscovery.discover(BoundedHttp.newClient(), NONE, as.issuer(), DEADLINE))
                .isInstanceOf(MetadataDiscovery.DiscoveryException.class)
                .hasMessageContaining("no authorization server metadata");
    }
}
