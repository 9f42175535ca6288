package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.TestAuthorizationServer;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * Discovered {@code jwks_uri} and {@code introspection_endpoint} must meet the rule configured
 * URLs meet: https, or plain http only to a loopback host. In the refusal tests every request goes
 * through a forward proxy (a MockWebServer), so a plain-http request to a remote host would really
 * be answered. A refused document counts as a failed discovery: once the authorization server
 * fixes it, the same validator recovers on the schedule of any other discovery failure
 * (docs/security.md case 40).
 */
class DiscoveredEndpointSecurityTest extends ValidatorTestSupport {
    @StartStop
    private final MockWebServer proxy = new MockWebServer();
    private final AtomicInteger remoteRequests = new AtomicInteger();

    private HttpClient viaProxy(String jwksUri, String introspectionEndpoint) {
        proxy.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String host = request.getUrl().host();
                String path = request.getUrl().encodedPath();
                if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
                    remoteRequests.incrementAndGet();
                    if (path.endsWith("/keys")) {
                        return TestAuthorizationServer.json(as.jwksJson());
                    }
                    return TestAuthorizationServer.json("{\"active\":true,\"sub\":\"alice\",\"aud\":\"" + AUDIENCE
                            + "\",\"scope\":\"" + SCOPE + "\"}");
                }
                if (path.equals(as.rfc8414Path())) {
                    return TestAuthorizationServer.json("{\"issuer\":\"" + as.issuer() + "\",\"jwks_uri\":\""
                            + jwksUri + "\",\"introspection_endpoint\":\"" + introspectionEndpoint
                            + "\",\"response_types_supported\":[\"code\"]}");
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
        return HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(proxy.getHostName(), proxy.getPort())))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Test
    void refusesADiscoveredPlainHttpJwksUriOnARemoteHost() {
        TokenValidator v = builder().requiredScopes(SCOPE)
                .httpClient(viaProxy("http://jwks.example/keys", "https://as.example/introspect")).build();

        TokenValidationException e = assertRejected(v, token().sign(), BearerError.INVALID_TOKEN);

        assertThat(e.isServiceUnavailable()).isTrue();
        assertThat(e.description()).isEqualTo("the authorization server is unavailable");
        assertThat(e.getMessage()).doesNotContain("jwks.example");
        assertThat(remoteRequests.get()).isZero();
    }

    @Test
    void refusesADiscoveredPlainHttpIntrospectionEndpointOnARemoteHost() {
        TokenValidator v = builder().requiredScopes(SCOPE)
                .introspection(ClientAuthentication.clientSecretBasic("mcp-server", "s3cret"))
                .httpClient(viaProxy("https://as.example/keys", "http://introspect.example/v1/introspect"))
                .build();

        TokenValidationException e = assertRejected(v, "opaque-7f3a9c2e1b", BearerError.INVALID_TOKEN);

        assertThat(e.isServiceUnavailable()).isTrue();
        assertThat(remoteRequests.get()).isZero();
    }

    @Test
    void acceptsADiscoveredPlainHttpJwksUriOnLoopback() throws Exception {
        TokenValidator v = builder().requiredScopes(SCOPE).build();

        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");
    }

    private final AtomicReference<String> metadataJwksUri = new AtomicReference<>();
    private final AtomicReference<String> metadataIntrospectionEndpoint = new AtomicReference<>();
    private final AtomicInteger discoveries = new AtomicInteger();

    /** Serves, on the test authorization server's address, metadata naming whatever the test sets now. */
    private void serveChangingMetadata(String jwksUri, String introspectionEndpoint) {
        metadataJwksUri.set(jwksUri);
        metadataIntrospectionEndpoint.set(introspectionEndpoint);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                if (path.equals(as.rfc8414Path())) {
                    discoveries.incrementAndGet();
                    String jwks = metadataJwksUri.get();
                    return TestAuthorizationServer.json("{\"issuer\":\"" + as.issuer() + "\","
                            + (jwks == null ? "" : "\"jwks_uri\":\"" + jwks + "\",")
                            + "\"introspection_endpoint\":\"" + metadataIntrospectionEndpoint.get()
                            + "\",\"response_types_supported\":[\"code\"]}");
                }
                if (path.endsWith("/v1/keys")) {
                    return TestAuthorizationServer.json(as.jwksJson());
                }
                if (path.endsWith("/v1/introspect")) {
                    return TestAuthorizationServer.json("{\"active\":true,\"sub\":\"alice\",\"aud\":\""
                            + AUDIENCE + "\",\"scope\":\"" + SCOPE + "\"}");
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
    }

    @Test
    void recoversOnceTheIssuerFixesARefusedJwksUri() throws Exception {
        serveChangingMetadata("http://jwks.example/keys", as.introspectionEndpoint());
        TokenValidator v = validator();
        assertThat(assertRejected(v, token().sign(), BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();

        metadataJwksUri.set(as.jwksUri());
        clock.advance(Duration.ofSeconds(31));

        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");
        assertThat(discoveries.get()).isEqualTo(2);
    }

    @Test
    void doesNotRediscoverARefusedJwksUriBeforeTheRetryInterval() {
        serveChangingMetadata("http://jwks.example/keys", as.introspectionEndpoint());
        TokenValidator v = validator();
        assertRejected(v, token().sign(), BearerError.INVALID_TOKEN);
        metadataJwksUri.set(as.jwksUri());

        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(assertRejected(v, token().sign(), BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();
        }

        assertThat(discoveries.get()).isEqualTo(1);
    }

    @Test
    void recoversOnceTheIssuerAddsAMissingJwksUri() throws Exception {
        serveChangingMetadata(null, as.introspectionEndpoint());
        TokenValidator v = validator();
        assertThat(assertRejected(v, token().sign(), BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();

        metadataJwksUri.set(as.jwksUri());
        clock.advance(Duration.ofSeconds(31));

        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");
    }

    @Test
    void recoversOnceTheIssuerFixesARefusedIntrospectionEndpoint() throws Exception {
        serveChangingMetadata(as.jwksUri(), "http://introspect.example/v1/introspect");
        TokenValidator v = builder().requiredScopes(SCOPE)
                .introspection(ClientAuthentication.clientSecretBasic("mcp-server", "s3cret")).build();
        assertThat(assertRejected(v, "opaque-7f3a9c2e1b", BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();

        metadataIntrospectionEndpoint.set(as.introspectionEndpoint());
        clock.advance(Duration.ofSeconds(11));

        assertThat(v.validate("opaque-7f3a9c2e1b").subject()).isEqualTo("alice");
        assertThat(discoveries.get()).isEqualTo(2);
    }
}
