package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.internal.TokenHash;
import dev.baton.testkit.TestAuthorizationServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

class IntrospectionTest extends ValidatorTestSupport {
    private static final String OPAQUE = "opaque-7f3a9c2e1b";

    private TokenValidator introspecting() {
        return builder().requiredScopes(SCOPE)
                .introspection(ClientAuthentication.clientSecretBasic("mcp-server", "s3cret")).build();
    }

    private String active(long exp) {
        return "{\"active\":true,\"sub\":\"alice\",\"client_id\":\"vscode\",\"scope\":\"" + SCOPE
                + "\",\"aud\":\"" + AUDIENCE + "\",\"iss\":\"" + as.issuer() + "\",\"exp\":" + exp + "}";
    }

    @Test
    void acceptsActiveOpaqueToken() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        as.introspection(token -> {
            seen.set(token);
            return TestAuthorizationServer.json(active(clock.instant().plusSeconds(300).getEpochSecond()));
        });

        ValidatedToken user = introspecting().validate(OPAQUE);

        assertThat(user.subject()).isEqualTo("alice");
        assertThat(user.clientId()).isEqualTo("vscode");
        assertThat(user.scopes()).containsExactly(SCOPE);
        assertThat(seen.get()).isEqualTo(OPAQUE);
    }

    @Test
    void anIntrospectedTokenCarriesTheHashOfItsOwnValue() throws Exception {
        as.introspection(token -> TestAuthorizationServer.json(active(clock.instant().plusSeconds(300).getEpochSecond())));

        ValidatedToken user = introspecting().validate(OPAQUE);

        assertThat(user.hash()).isEqualTo(TokenHash.of(OPAQUE));
        assertThat(audit.lastValidation().tokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(OPAQUE));
    }

    @Test
    void introspectsOpaqueTokensThatContainDots() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        as.introspection(token -> {
            seen.add(token);
            return TestAuthorizationServer.json(active(clock.instant().plusSeconds(300).getEpochSecond()));
        });
        TokenValidator v = introspecting();

        assertThat(v.validate("ory_at_x7Qk2.Zp9Lm4").subject()).isEqualTo("alice");
        assertThat(v.validate("a.b.c.d").subject()).isEqualTo("alice");
        assertThat(seen).containsExactly("ory_at_x7Qk2.Zp9Lm4", "a.b.c.d");
    }

    @Test
    void authenticatesToTheIntrospectionEndpoint() throws Exception {
        as.introspection(token -> TestAuthorizationServer.json(active(clock.instant().plusSeconds(300).getEpochSecond())));

        introspecting().validate(OPAQUE);

        mockwebserver3.RecordedRequest r = takeIntrospectionRequest();
        assertThat(r.getHeaders().get("Authorization")).startsWith("Basic ");
        assertThat(r.getMethod()).isEqualTo("POST");
    }

    private mockwebserver3.RecordedRequest takeIntrospectionRequest() throws InterruptedException {
        mockwebserver3.RecordedRequest r;
        do {
            r = server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
        } while (r != null && !r.getUrl().encodedPath().endsWith("/v1/introspect"));
        assertThat(r).isNotNull();
        return r;
    }

    @Test
    void usesAnExplicitEndpointWithoutDiscovery() throws Exception {
        as.introspection(token -> TestAuthorizationServer.json(active(clock.instant().plusSeconds(300).getEpochSecond())));
        TokenValidator v = builder().jwksUri(as.jwksUri())
                .introspection(as.introspectionEndpoint(), ClientAuthentication.clientSecretPost("mcp-server", "s3cret"))
                .build();

        assertThat(v.validate(OPAQUE).subject()).isEqualTo("alice");
        assertThat(as.discoveryRequests()).isZero();
    }

    @Test
    void rejectsInactiveToken() {
        as.introspection(token -> TestAuthorizationServer.json("{\"active\":false}"));

        TokenValidationException e = assertInvalid(introspecting(), OPAQUE);

        assertThat(e.description()).isEqualTo("token is not active");
    }

    @Test
    void reportsServiceUnavailableOnServerError() {
        as.introspection(token -> new MockResponse.Builder().code(500).build());

        assertThat(assertRejected(introspecting(), OPAQUE, BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();
    }

    @Test
    void reportsServiceUnavailableOnMalformedResponse() {
        as.introspection(token -> new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html")
                .body("<html>login</html>").build());

        assertThat(assertRejected(introspecting(), OPAQUE, BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();
    }

    @Test
    void reportsServiceUnavailableWhenActiveIsMissing() {
        as.introspection(token -> TestAuthorizationServer.json("{\"sub\":\"alice\"}"));

        assertThat(assertRejected(introspecting(), OPAQUE, BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();
    }

    @Test
    void rejectsActiveTokenForAnotherAudience() {
        as.introspection(token -> TestAuthorizationServer.json(
                active(clock.instant().plusSeconds(300).getEpochSecond()).replace(AUDIENCE, "backend")));

        assertInvalid(introspecting(), OPAQUE);
    }

    @Test
    void rejectsActiveTokenWithMissingScope() {
        as.introspection(token -> TestAuthorizationServer.json(
                active(clock.instant().plusSeconds(300).getEpochSecond()).replace(SCOPE, "openid")));

        assertRejected(introspecting(), OPAQUE, BearerError.INSUFFICIENT_SCOPE);
    }

    @Test
    void cachesActiveResultBriefly() throws Exception {
        as.introspection(token -> TestAuthorizationServer.json(active(clock.instant().plusSeconds(3600).getEpochSecond())));
        TokenValidator v = introspecting();

        v.validate(OPAQUE);
        v.validate(OPAQUE);
        assertThat(as.introspectionRequests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(31));
        v.validate(OPAQUE);
        assertThat(as.introspectionRequests()).isEqualTo(2);
    }

    @Test
    void neverCachesBeyondTheTokensExpiry() throws Exception {
        long exp = clock.instant().plusSeconds(10).getEpochSecond();
        as.introspection(token -> TestAuthorizationServer.json(active(exp)));
        TokenValidator v = introspecting();
        v.validate(OPAQUE);

        clock.advance(Duration.ofSeconds(11));
        v.validate(OPAQUE); // within the skew, but asked again

        assertThat(as.introspectionRequests()).isEqualTo(2);
    }

    @Test
    void rejectsOpaqueTokenWithoutIntrospection() {
        TokenValidationException e = assertInvalid(validator(), OPAQUE);

        assertThat(e.description()).isEqualTo("token is not a signed JWT");
        assertThat(as.totalRequests()).isZero();
    }

    @Test
    void stillVerifiesJwtsLocally() throws Exception {
        assertThat(introspecting().validate(token().sign()).subject()).isEqualTo("alice");
        assertThat(as.introspectionRequests()).isZero();
    }
}
