package dev.baton.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.EndpointObserver;
import dev.baton.internal.http.BoundedHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * Okta's custom authorization servers ({@code https://tenant.okta.com/oauth2/default}) answer the
 * suffix forms {@code {issuer}/.well-known/oauth-authorization-server} and
 * {@code {issuer}/.well-known/openid-configuration}, not the RFC 8414 path-inserted URL.
 */
class OktaLayoutDiscoveryTest {
    private static final EndpointObserver NONE = EndpointObserver.none();
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final String PATH_INSERTED = "/.well-known/oauth-authorization-server/oauth2/default";
    private static final String SUFFIX = "/oauth2/default/.well-known/oauth-authorization-server";
    private static final String OIDC = "/oauth2/default/.well-known/openid-configuration";

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final Map<String, MockResponse> routes = new ConcurrentHashMap<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();

    private String issuer() {
        return server.url("/oauth2/default").toString();
    }

    private void serve() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                requested.add(path);
                MockResponse r = routes.get(path);
                return r != null ? r : new MockResponse.Builder().code(404).body("not found").build();
            }
        });
    }

    private static MockResponse metadata(String issuer, String jwksPath) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + jwksPath + "\","
                        + "\"token_endpoint\":\"" + issuer + "/v1/token\",\"response_types_supported\":[\"code\"],"
                        + "\"subject_types_supported\":[\"public\"],"
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}")
                .build();
    }

    private static MockResponse html() {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html")
                .body("<!doctype html><html><body>Sign in</body></html>").build();
    }

    @Test
    void usesTheSuffixFormWhenThePathInsertedUrlIsNotFound() throws Exception {
        serve();
        routes.put(SUFFIX, metadata(issuer(), "/v1/keys"));
        routes.put(OIDC, metadata(issuer(), "/v1/oidc-keys"));

        AuthorizationServerMetadata m = MetadataDiscovery.discover(BoundedHttp.newClient(), NONE, issuer(), DEADLINE);

        assertThat(m.getJWKSetURI()).isEqualTo(URI.create(issuer() + "/v1/keys"));
        assertThat(requested).containsExactly(PATH_INSERTED, SUFFIX);
    }

    @Test
    void fallsBackWhenThePathInsertedUrlAnswersAnHtmlPage() throws Exception {
        serve();
        routes.put(PATH_INSERTED, html());
        routes.put(OIDC, metadata(issuer(), "/v1/keys"));

        AuthorizationServerMetadata m = MetadataDiscovery.discover(BoundedHttp.newClient(), NONE, issuer(), DEADLINE);

        assertThat(m.getJWKSetURI()).isEqualTo(URI.create(issuer() + "/v1/keys"));
        assertThat(requested).containsExactly(PATH_INSERTED, SUFFIX, OIDC);
    }

    @Test
    void fallsBackWhenThePathInsertedUrlNamesAnotherIssuer() throws Exception {
        serve();
        // A host-level RFC 8414 document of the org authorization server, not of this issuer.
        routes.put(PATH_INSERTED, metadata(server.url("/").toString(), "v1/org-keys"));
        routes.put(SUFFIX, html());
        routes.put(OIDC, metadata(issuer(), "/v1/keys"));

        AuthorizationServerMetadata m = MetadataDiscovery.discover(BoundedHttp.newClient(), NONE, issuer(), DEADLINE);

        assertThat(m.getIssuer().getValue()).isEqualTo(issuer());
        assertThat(m.getJWKSetURI()).isEqualTo(URI.create(issuer() + "/v1/keys"));
    }

    @Test
    void failsWhenEveryDocumentNamesAnotherIssuer() {
        serve();
        String other = server.url("/oauth2/other").toString();
        routes.put(PATH_INSERTED, metadata(other, "/v1/keys"));
        routes.put(SUFFIX, metadata(other, "/v1/keys"));
        routes.put(OIDC, metadata(other + "\\r\\nforged: log line", "/v1/keys"));

        assertThatThrownBy(() -> MetadataDiscovery.discover(BoundedHttp.newClient(), NONE, issuer(), DEADLINE))
                .isInstanceOf(MetadataDiscovery.DiscoveryException.class)
                .hasMessageContaining("does not equal the configured issuer")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r").doesNotContain("\n"));
    }
}
