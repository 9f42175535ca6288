package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.internal.TokenHash;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenValidatorTest extends ValidatorTestSupport {

    @StartStop
    private final MockWebServer keycloakServer = new MockWebServer();

    @Test
    void acceptsOktaStyleToken() throws Exception {
        // Okta: no typ header, scp array, cid, uid; aud a string.
        String okta = token().type(null).claim("scope", null).scp("openid", SCOPE)
                .claim("cid", "0oa-vscode").claim("uid", "00u-alice").sign();

        ValidatedToken user = validator().validate(okta);

        assertThat(user.subject()).isEqualTo("alice");
        assertThat(user.clientId()).isEqualTo("0oa-vscode");
        assertThat(user.scopes()).containsExactly("openid", SCOPE);
        assertThat(user.issuer()).isEqualTo(as.issuer());
        assertThat(user.claims()).containsEntry("uid", "00u-alice");
    }

    @Test
    void acceptsOktaStyleTokenWithTypJwt() throws Exception {
        String okta = token().type("JWT").claim("scope", null).scp(SCOPE).claim("cid", "0oa-vscode").sign();

        assertThat(validator().validate(okta).clientId()).isEqualTo("0oa-vscode");
    }

    @Test
    void acceptsKeycloakStyleTokenDiscoveredThroughOpenIdConfiguration() throws Exception {
        TestAuthorizationServer keycloak = new TestAuthorizationServer(keycloakServer, "/realms/demo")
                .discovery(TestAuthorizationServer.Discovery.OIDC).clock(clock);
        String token = keycloak.token().type("JWT").subject("f3a1-alice").audienceArray(AUDIENCE, "account")
                .scope("openid profile " + SCOPE).claim("azp", "vscode")
                .claim("preferred_username", "alice").sign();
        TokenValidator v = TokenValidator.builder().issuer(keycloak.issuer()).audience(AUDIENCE)
                .requiredScopes(SCOPE).clock(clock).auditListener(audit).build();

        ValidatedToken user = v.validate(token);

        assertThat(user.subject()).isEqualTo("f3a1-alice");
        assertThat(user.clientId()).isEqualTo("vscode");
        assertThat(user.scopes()).containsExactly("openid", "profile", SCOPE);
        assertThat(user.audiences()).containsExactly(AUDIENCE, "account");
        assertThat(keycloak.discoveryRequests()).isEqualTo(2);
    }

    @Test
    void acceptsEs256Token() throws Exception {
        assertThat(validator().validate(token().signWith(as.ecKey()).sign()).subject()).isEqualTo("alice");
    }

    @Test
    void acceptsPs256Token() throws Exception {
        assertThat(validator().validate(token().algorithm("PS256").sign()).subject()).isEqualTo("alice");
    }

    @Test
    void exposesTheActorChain() throws Exception {
        String delegated = token().claim("act", Map.of("sub", "mcp-server", "act", Map.of("sub", "gateway"))).sign();

        ValidatedToken t = validator().validate(delegated);

        assertThat(t.actor()).get().extracting(ValidatedToken.Actor::subject).isEqualTo("mcp-server");
        assertThat(t.actor().get().actor()).get().extracting(ValidatedToken.Actor::subject).isEqualTo("gateway");
    }

    @Test
    void rejectsNonAccessTokenTypes() {
        TokenValidator v = validator();

        assertInvalid(v, token().type("dpop+jwt").sign());
        assertInvalid(v, token().type("logout+jwt").sign());
    }

    // docs/security.md case 39: an ID or refresh token signed by the issuer is not an access token.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"token_use, id", "token_use, refresh_token", "typ, ID", "typ, Refresh", "token_type, id_token"})
    void rejectsAJwtWhoseClaimsNameAnotherKindOfToken(String claim, String value) {
        TokenValidationException e = assertInvalid(validator(), token().claim(claim, value).sign());

        assertThat(e.description()).isEqualTo("token is not an access token");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"token_use, access", "typ, Bearer", "token_type, Bearer"})
    void acceptsAJwtWhoseClaimsNameAnAccessToken(String claim, String value) throws Exception {
        assertThat(validator().validate(token().claim(claim, value).sign()).subject()).isEqualTo("alice");
    }

    @Test
    void strictTypePolicyDemandsAtJwt() throws Exception {
        TokenValidator v = builder().requireAccessTokenType().build();

        assertInvalid(v, token().type("JWT").sign());
        assertInvalid(v, token().type(null).sign());
        assertThat(v.validate(token().type("application/at+jwt").sign()).subject()).isEqualTo("alice");
    }

    @Test
    void discoversKeysThroughRfc8414Metadata() throws Exception {
        validator().validate(token().sign());

        assertThat(as.discoveryRequests()).isEqualTo(1);
        assertThat(as.jwksRequests()).isEqualTo(1);
    }

    @Test
    void explicitJwksUriSkipsDiscovery() throws Exception {
        builder().jwksUri(as.jwksUri()).build().validate(token().sign());

        assertThat(as.discoveryRequests()).isZero();
    }

    @Test
    void reportsServiceUnavailableWhenDiscoveredIssuerDiffers() {
        as.metadataIssuer("https://evil.example.com/oauth2/mcp");

        TokenValidationException e = assertRejected(validator(), token().sign(), BearerError.INVALID_TOKEN);

        assertThat(e.isServiceUnavailable()).isTrue();
        assertThat(as.jwksRequests()).isZero();
    }

    @Test
    void buildingMakesNoNetworkCall() {
        validator();

        assertThat(as.totalRequests()).isZero();
    }

    @Test
    void exposesIssuerAndRequiredScopes() {
        TokenValidator v = validator();

        assertThat(v.issuer()).contains(as.issuer());
        assertThat(v.requiredScopes()).containsExactly(SCOPE);
    }

    @Test
    void failsFastWithoutIssuerOrAudience() {
        assertThatThrownBy(() -> TokenValidator.builder().audience("a").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("issuer");
        assertThatThrownBy(() -> TokenValidator.builder().issuer("https://idp.example.com").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("audience");
    }

    @Test
    void refusesPlainHttpIssuerOutsideLoopback() {
        assertThatThrownBy(() -> TokenValidator.builder().issuer("http://idp.example.com").audience("a").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    }

    @Test
    void refusesAHostThatOnlyLooksLikeLoopback() {
        assertThatThrownBy(() -> TokenValidator.builder().issuer("http://127.evil.example/oauth2").audience("a").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> TokenValidator.builder().issuer(as.issuer()).audience("a")
                .jwksUri("http://127.0.0.1.evil.example/keys").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    }

    @Test
    void builderErrorsNeverEchoAPasswordInTheUrl() {
        // Tokens never travel to a URL with user info, https or not: the rule names it, not the password.
        assertThatThrownBy(() -> TokenValidator.builder().issuer(as.issuer()).audience("a")
                .jwksUri("http://user:hunter2@jwks.example/keys").build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("user info").doesNotContain("hunter2"));
        assertThatThrownBy(() -> TokenValidator.builder().issuer(as.issuer()).audience("a")
                .jwksUri("https://user:hunter2@jwks.example/keys").build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("user info").doesNotContain("hunter2"));
        assertThatThrownBy(() -> TokenValidator.builder().issuer("http://user:hunter2@idp.example/o").audience("a")
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThatThrownBy(() -> TokenValidator.builder().issuer(as.issuer()).audience("a")
                .jwksUri("https://user:hunter2@jwks example/keys").build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void acceptsATokenThatExpiresCenturiesFromNow() throws Exception {
        TokenValidator v = validator();
        String farFuture = token().expiresAt(java.time.Instant.parse("2500-01-01T00:00:00Z")).sign();

        assertThat(v.validate(farFuture).subject()).isEqualTo("alice");
        assertThat(v.validate(farFuture).subject()).isEqualTo("alice");
        assertThat(audit.lastValidation().fromCache()).isTrue();
    }

    @Test
    void refusesSkewAboveFiveMinutes() {
        assertThatThrownBy(() -> TokenValidator.builder().clockSkew(Duration.ofMinutes(6)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesHttpClientThatFollowsRedirects() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThatThrownBy(() -> TokenValidator.builder().httpClient(following))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redirect");
    }

    @Test
    void refusesScopeWithSpace() {
        assertThatThrownBy(() -> TokenValidator.builder().requiredScopes("a b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emitsOneAcceptedEventWithoutTheToken() throws Exception {
        String token = token().clientId("vscode").sign();

        validator().validate(token, AuditContext.of("POST", "/mcp"));

        assertThat(audit.validations()).hasSize(1);
        ValidationEvent e = audit.lastValidation();
        assertThat(e.accepted()).isTrue();
        assertThat(e.subject()).isEqualTo("alice");
        assertThat(e.clientId()).isEqualTo("vscode");
        assertThat(e.issuer()).isEqualTo(as.issuer());
        assertThat(e.scopes()).containsExactly(SCOPE);
        assertThat(e.tokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(token));
        assertThat(e.context().path()).isEqualTo("/mcp");
        assertThat(e.fromCache()).isFalse();
        assertThat(e.toString()).doesNotContain(token);
    }

    @Test
    void theAcceptedTokenCarriesTheHashOfItsOwnValue() throws Exception {
        String token = token().sign();
        TokenValidator v = validator();

        ValidatedToken verified = v.validate(token);
        ValidatedToken cached = v.validate(token);

        // The exchange cache keys by this hash (docs/security.md case 28): it must be the token's own.
        assertThat(verified.hash()).isEqualTo(TokenHash.of(token));
        assertThat(cached.hash()).isEqualTo(TokenHash.of(token));
        assertThat(verified.fingerprint()).isEqualTo(ValidatedToken.fingerprintOf(token));
    }

    @Test
    void aMalformedTokensEventCarriesItsFingerprint() {
        String token = "not a token at all";

        assertInvalid(validator(), token);

        assertThat(audit.lastValidation().tokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(token));
    }

    @Test
    void emitsOneRejectedEventWithTheReason() {
        String token = token().audience("backend").sign();

        assertInvalid(validator(), token);

        ValidationEvent e = audit.lastValidation();
        assertThat(e.reason()).isEqualTo("token is not intended for this audience");
        assertThat(e.subject()).isEqualTo("alice");
        assertThat(e.tokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(token));
    }

    @Test
    void aThrowingListenerDoesNotChangeTheOutcome() throws Exception {
        TokenValidator v = builder().auditListener(new AuditListener() {
            @Override
            public void onValidation(ValidationEvent event) {
                throw new IllegalStateException("listener bug");
            }
        }).build();

        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");
    }

    @Test
    void defaultAuditLoggerNeverWritesTheToken() throws Exception {
        String good = token().sign();
        String bad = token().audience("backend").sign();
        TokenValidator v = TokenValidator.builder().issuer(as.issuer()).audience(AUDIENCE).clock(clock).build();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            v.validate(good);
            try {
                v.validate(bad);
            } catch (TokenValidationException expected) {
                // the rejection line is what this test reads
            }
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("dev.baton.audit").contains("outcome=accepted").contains("outcome=rejected")
                .contains(ValidatedToken.fingerprintOf(good));
        for (String token : List.of(good, bad)) {
            assertThat(log).doesNotContain(token);
            for (String part : token.split("\\.")) {
                assertThat(log).doesNotContain(part);
            }
        }
    }

    @Test
    void validatedTokenToStringHidesTheToken() throws Exception {
        String token = token().sign();

        assertThat(validator().validate(token).toString()).doesNotContain(token).contains("alice");
    }
}
