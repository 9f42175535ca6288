package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.TestAuthorizationServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a validator answers while its authorization server is partly broken, and that it recovers
 * without a restart once the server is fixed (issue 15, defects 6 and 7): a 503 tells the client to
 * retry, so the retry must be able to succeed.
 */
class OutageRecoveryTest extends ValidatorTestSupport {
    private static final String OPAQUE = IssuedSecrets.remember("opaque-token-of-the-recovery-test-0001");

    /** An issuer whose metadata names endpoints the test chooses, on the same server as its keys. */
    @StartStop
    final MockWebServer metadataServer = new MockWebServer();
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private final AtomicInteger discoveries = new AtomicInteger();

    @Test
    void aTokenSignedWithANewKeyDuringAJwksOutageIsServiceUnavailableNotInvalid() throws Exception {
        TokenValidator v = validator();
        v.validate(token().sign());
        as.jwksResponse(new MockResponse.Builder().code(503).body("down").build());
        as.rotate();
        clock.advance(Duration.ofSeconds(31));

        // RFC 6750 §3.1: invalid_token says the token is bad, which Baton cannot know here; the
        // filter answers 503 for this, so the client retries instead of signing in again.
        TokenValidationException e = assertRejected(v, token().sign(), BearerError.INVALID_TOKEN);

        assertThat(e.isServiceUnavailable()).as("service unavailable").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks_uri", "introspection_endpoint"})
    void anEndpointRefusedAsInsecureIsDiscoveredAgainOnceTheMetadataIsFixed(String member) throws Exception {
        String issuer = serveMetadata();
        endpoints.put(member, "http://idp.example.com/oauth2/mcp/v1/" + member);
        TokenValidator v = TokenValidator.builder().issuer(issuer).audience(AUDIENCE).clock(clock)
                .auditListener(AuditListener.none())
                .introspection(ClientAuthentication.clientSecretBasic("rs", "recovery-test-client-secret")).build();
        boolean jwt = member.equals("jwks_uri");

        Throwable refused = catchThrowable(() -> v.validate(jwt ? jwtOf(issuer) : OPAQUE));
        assertThat(refused).isInstanceOfSatisfying(TokenValidationException.class,
                e -> assertThat(e.isServiceUnavailable()).as("service unavailable").isTrue());
        int discoveriesBefore = discoveries.get();

        endpoints.put(member, metadataServer.url(jwt ? "/keys" : "/introspect").toString());
        ValidatedToken accepted = null;
        // Other discovery failures are retried after 30 s; two such rounds at most.
        for (int round = 0; round < 2 && accepted == null; round++) {
            clock.advance(Duration.ofSeconds(31));
            try {
                accepted = v.validate(jwt ? jwtOf(issuer) : OPAQUE);
            } catch (TokenValidationException stillRefused) {
                assertThat(stillRefused.isServiceUnavailable()).isTrue();
            }
        }

        assertThat(accepted).as("accepted after the metadata was fixed").isNotNull();
        assertThat(accepted.subject()).isEqualTo("alice");
        assertThat(discoveries.get()).as("discovery requests after the fix").isGreaterThan(discoveriesBefore);
    }

    private String jwtOf(String issuer) {
        return as.token().issuer(issuer).subject("alice").audience(AUDIENCE).sign();
    }

    private String serveMetadata() {
        String issuer = metadataServer.url("/oauth2/mcp").toString();
        endpoints.put("jwks_uri", metadataServer.url("/keys").toString());
        endpoints.put("introspection_endpoint", metadataServer.url("/introspect").toString());
        metadataServer.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                if (path.equals("/.well-known/oauth-authorization-server/oauth2/mcp")) {
                    discoveries.incrementAndGet();
                    Map<String, Object> m = new LinkedHashMap<>(endpoints);
                    m.put("issuer", issuer);
                    m.put("token_endpoint", issuer + "/v1/token");
                    m.put("response_types_supported", java.util.List.of("code"));
                    return TestAuthorizationServer.json(JSONObjectUtils.toJSONString(m));
                }
                if (path.equals("/keys")) {
                    return TestAuthorizationServer.json(as.jwksJson());
                }
                if (path.equals("/introspect")) {
                    return TestAuthorizationServer.json(JSONObjectUtils.toJSONString(Map.of("active", true,
                            "iss", issuer, "sub", "alice", "aud", AUDIENCE,
                            "exp", clock.instant().plusSeconds(300).getEpochSecond())));
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
        return issuer;
    }
}
