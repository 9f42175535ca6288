package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.baton.testkit.TestAuthorizationServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/security.md cases 1-17, at the validator. Each test asserts the exact error and that nothing was accepted. */
class TokenValidatorSecurityTest extends ValidatorTestSupport {

    @StartStop
    private final MockWebServer attacker = new MockWebServer();

    // 1
    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void rejectsAlgNoneInAnyCase(String alg) throws Exception {
        assertInvalid(validator(), token().signAlgNone(alg));
    }

    // 2
    @Test
    void rejectsTokenResignedAsHs256WithThePublicKey() throws Exception {
        TokenValidator v = validator();
        v.validate(token().sign()); // keys are loaded; the forged token must still fail

        assertInvalid(v, token().signHmacWithPublicKey());
    }

    // 3
    @Test
    void rejectsAlgorithmOutsideTheConfiguredAllowlist() throws Exception {
        TokenValidator v = builder().allowedAlgorithms("RS256").build();

        TokenValidationException e = assertInvalid(v, token().algorithm("RS512").sign());
        assertThat(e.description()).contains("algorithm");
    }

    @Test
    void refusesToConfigureNoneOrHmac() throws Exception {
        assertThatThrownBy(() -> TokenValidator.builder().allowedAlgorithms("none"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenValidator.builder().allowedAlgorithms("HS256"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // 4
    @Test
    void rejectsJweWithFiveParts() throws Exception {
        String header = Base64URL.encode("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}").toString();
        String jwe = header + ".a2V5.aXY.Y2lwaGVy.dGFn";

        TokenValidationException e = assertInvalid(validator(), jwe);
        assertThat(e.description()).contains("encrypted");
    }

    @Test
    void rejectsNestedJwt() throws Exception {
        String nested = token().header("cty", "JWT").rawPayload(token().sign()).sign();

        assertInvalid(validator(), nested);
    }

    @Test
    void rejectsNormalClaimsSetDeclaredAsNestedJwt() throws Exception {
        // A well-formed, validly signed claims set: only the cty header can reject it.
        String declaredNested = token().header("cty", "JWT").sign();

        TokenValidationException e = assertInvalid(validator(), declaredNested);
        assertThat(e.description()).contains("nested");
    }

    // 5
    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", "!!!.@@@.###", "e30.e30.e30", "bm90IGpzb24.bm90IGpzb24.c2ln",
        "eyJhbGciOiJSUzI1NiJ9.%%%.c2ln", "eyJhbGciOiJSUzI1NiJ9..", "..", "....", "Bearer abc.def.ghi"})
    void rejectsMalformedInputAsInvalidToken(String token) throws Exception {
        assertInvalid(validator(), token);
    }

    @Test
    void rejectsNullToken() throws Exception {
        assertInvalid(validator(), null);
    }

    @Test
    void rejectsWhitespaceAroundOrInsideAToken() throws Exception {
        String good = token().sign();
        TokenValidator v = validator();

        assertInvalid(v, " " + good);
        assertInvalid(v, good + "\n");
        assertInvalid(v, good.replace('.', ' '));
    }

    @Test
    void rejectsWrongClaimTypes() throws Exception {
        TokenValidator v = validator();

        assertInvalid(v, token().claim("nbf", Map.of()).sign());
        assertInvalid(v, token().claim("iss", List.of(as.issuer())).sign());
        assertInvalid(v, token().claim("aud", Map.of("x", 1)).sign());
    }

    @Test
    void rejectsNonJsonPayloadWithValidSignature() throws Exception {
        assertInvalid(validator(), token().rawPayload("not json").sign());
    }

    @Test
    void rejectsDeeplyNestedJsonInHeaderOrPayload() throws Exception {
        String nested = "{\"a\":" + "[".repeat(2500) + "]".repeat(2500) + "}";
        TokenValidator v = validator();

        assertInvalid(v, token().rawPayload(nested).sign());
        assertInvalid(v, Base64URL.encode(nested) + "." + Base64URL.encode("{}") + ".c2ln");
    }

    @Test
    void rejectsUnknownCriticalHeader() throws Exception {
        assertInvalid(validator(), token().header("crit", List.of("x-policy")).header("x-policy", "strict").sign());
    }

    // 6
    @Test
    void rejectsHugeTokenBeforeAnyDecodingOrNetworkCall() throws Exception {
        String huge = "a".repeat(3 * 1024 * 1024);

        TokenValidationException e = assertInvalid(validator(), huge + "." + huge + "." + huge);

        assertThat(e.description()).contains("too long");
        assertThat(as.totalRequests()).isZero();
    }

    @Test
    void rejectsTokenWithHugeHeader() throws Exception {
        TokenValidationException e = assertInvalid(validator(), token().header("x", "y".repeat(2_000_000)).sign());

        assertThat(e.description()).contains("too long");
        assertThat(as.totalRequests()).isZero();
    }

    // 7
    @Test
    void neverFetchesKeysFromJkuOrX5u() throws Exception {
        RSAKey evil = TestAuthorizationServer.otherRsaKey("evil");
        attacker.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                return TestAuthorizationServer.json("{\"keys\":[" + evil.toPublicJWK().toJSONString() + "]}");
            }
        });
        TokenValidator v = validator();

        assertInvalid(v, token().signWith(evil).header("jku", attacker.url("/jwks").toString()).sign());
        assertInvalid(v, token().signWith(evil).header("x5u", attacker.url("/cert").toString()).sign());
        assertInvalid(v, token().signWith(evil).header("jwk", evil.toPublicJWK().toJSONObject()).sign());

        assertThat(attacker.getRequestCount()).isZero();
    }

    @Test
    void verifiesATokenWithJkuOnlyWithTheIssuersKeys() throws Exception {
        String token = token().header("jku", attacker.url("/jwks").toString()).sign();

        assertThat(validator().validate(token).subject()).isEqualTo("alice");
        assertThat(attacker.getRequestCount()).isZero();
    }

    // 8
    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "' OR 1=1 --", "\u202egnp.exe", "\u0000", "%2e%2e%2f"})
    void treatsOddKidAsAnOpaqueUnknownKey(String kid) throws Exception {
        TokenValidator v = validator();

        assertInvalid(v, token().keyId(kid).sign());
        assertThat(as.jwksRequests()).isBetween(1, 2);
    }

    @Test
    void rejectsVeryLongKid() throws Exception {
        assertInvalid(validator(), token().keyId("k".repeat(4000)).sign());
    }

    // 9
    @Test
    void rejectsWrongIssuer() throws Exception {
        TokenValidator v = validator();
        String https = as.issuer().replace("http://", "https://");

        assertInvalid(v, token().issuer("https://other.example.com/oauth2/mcp").sign());
        assertInvalid(v, token().issuer(as.issuer() + "/").sign());
        assertInvalid(v, token().issuer(https).sign());
        assertInvalid(v, token().issuer(null).sign());
    }

    // 10
    @Test
    void rejectsTokenWithoutAudience() throws Exception {
        assertInvalid(validator(), token().claim("aud", null).sign());
    }

    @Test
    void rejectsTokenForAnotherAudienceInStringOrArrayForm() throws Exception {
        TokenValidator v = validator();

        assertInvalid(v, token().audience("backend").sign());
        assertInvalid(v, token().audienceArray("backend", "other").sign());
        assertInvalid(v, token().audience("mcpserver2").sign());
    }

    @Test
    void acceptsAudienceArrayContainingTheAudience() throws Exception {
        assertThat(validator().validate(token().audienceArray("backend", AUDIENCE).sign()).audiences())
                .containsExactly("backend", AUDIENCE);
    }

    // 11
    @Test
    void rejectsTokenWithoutExpiry() throws Exception {
        assertInvalid(validator(), token().claim("exp", null).sign());
    }

    @Test
    void rejectsExpiredTokenBeyondTheSkew() throws Exception {
        assertInvalid(validator(), token().expiresAt(clock.instant().minusSeconds(61)).sign());
    }

    @Test
    void acceptsTokenExpiredWithinTheSkew() throws Exception {
        assertThat(validator().validate(token().expiresAt(clock.instant().minusSeconds(30)).sign()).subject())
                .isEqualTo("alice");
    }

    @Test
    void rejectsExpiryThatIsNotANumber() throws Exception {
        assertInvalid(validator(), token().claim("exp", "tomorrow").sign());
    }

    @Test
    void rejectsTokenNotYetValidBeyondTheSkew() throws Exception {
        assertInvalid(validator(), token().notBefore(clock.instant().plusSeconds(120)).sign());
    }

    @Test
    void rejectsTokenIssuedInTheFutureBeyondTheSkew() throws Exception {
        assertInvalid(validator(), token().issuedAt(clock.instant().plusSeconds(120))
                .expiresAt(clock.instant().plusSeconds(600)).sign());
    }

    // 12
    @Test
    void rejectsMissingScopeWithInsufficientScope() throws Exception {
        TokenValidationException e = assertRejected(validator(), token().scope("openid profile").sign(),
                BearerError.INSUFFICIENT_SCOPE);

        assertThat(e.requiredScopes()).containsExactly(SCOPE);
        assertThat(e.error().httpStatus()).isEqualTo(403);
    }

    @Test
    void rejectsTokenWithoutAnyScopeClaim() throws Exception {
        assertRejected(validator(), token().claim("scope", null).sign(), BearerError.INSUFFICIENT_SCOPE);
    }

    @Test
    void understandsScopeStringScpStringAndScpArray() throws Exception {
        TokenValidator v = validator();

        assertThat(v.validate(token().scope("openid " + SCOPE).sign()).scopes()).contains(SCOPE);
        assertThat(v.validate(token().claim("scope", null).claim("scp", SCOPE).sign()).scopes()).contains(SCOPE);
        assertThat(v.validate(token().claim("scope", null).scp("openid", SCOPE).sign()).scopes()).contains(SCOPE);
    }

    // 13 (the validator's share: a token is only its b64token; the filter handles headers, query and body)
    @Test
    void rejectsAuthorizationHeaderValuePassedAsToken() throws Exception {
        assertInvalid(validator(), "Bearer " + token().sign());
    }

    // 14
    @Test
    void randomKidFloodCausesAtMostOneJwksFetchPerInterval() throws Exception {
        TokenValidator v = builder().requiredScopes(SCOPE).verifiedTokenCacheSize(0).build();
        String good = token().sign();
        v.validate(good);
        RSAKey other = TestAuthorizationServer.otherRsaKey("x");

        for (int i = 0; i < 50; i++) {
            assertInvalid(v, token().signWith(other).keyId(UUID.randomUUID().toString()).sign());
        }

        assertThat(as.jwksRequests()).isEqualTo(1);
        assertThat(v.validate(good).subject()).isEqualTo("alice");

        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 50; i++) {
            assertInvalid(v, token().signWith(other).keyId(UUID.randomUUID().toString()).sign());
        }
        assertThat(as.jwksRequests()).isEqualTo(2);
        assertThat(v.validate(good).subject()).isEqualTo("alice");
    }

    // 15
    @Test
    void acceptsTokenSignedWithARotatedKeyAfterOneRefresh() throws Exception {
        TokenValidator v = validator();
        v.validate(token().sign());
        clock.advance(Duration.ofSeconds(31));

        as.rotate();
        ValidatedToken t = v.validate(token().sign());

        assertThat(t.subject()).isEqualTo("alice");
        assertThat(as.jwksRequests()).isEqualTo(2);
    }

    @Test
    void removedKeyStopsVerifyingAfterTheCacheLifetime() throws Exception {
        TokenValidator v = builder().requiredScopes(SCOPE).verifiedTokenCacheSize(0).build();
        v.validate(token().sign());
        RSAKey old = as.signingKey();
        as.rotate();
        as.unpublish(old.getKeyID());

        assertThat(v.validate(token().signWith(old).sign()).subject()).isEqualTo("alice");

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertInvalid(v, token().signWith(old).sign());
        assertThat(as.jwksRequests()).isEqualTo(2);
    }

    // 16
    @Test
    void reportsServiceUnavailableWhenJwksAnswers5xx() throws Exception {
        as.jwksResponse(new MockResponse.Builder().code(503).body("down").build());

        TokenValidationException e = assertRejected(validator(), token().sign(), BearerError.INVALID_TOKEN);

        assertThat(e.isServiceUnavailable()).isTrue();
        assertThat(e.description()).isEqualTo("the authorization server is unavailable");
    }

    @Test
    void reportsServiceUnavailableWhenJwksIsMalformed() throws Exception {
        as.jwksResponse(TestAuthorizationServer.json("<html>oops</html>"));

        assertThat(assertRejected(validator(), token().sign(), BearerError.INVALID_TOKEN).isServiceUnavailable())
                .isTrue();
    }

    @Test
    void reportsServiceUnavailableWhenJwksIsTooSlow() throws Exception {
        as.jwksResponse(new MockResponse.Builder().code(200).body("{\"keys\":[]}" + " ".repeat(200))
                .throttleBody(1, 50, TimeUnit.MILLISECONDS).build());
        TokenValidator v = builder().httpTimeout(Duration.ofMillis(300)).build();

        assertThat(assertRejected(v, token().sign(), BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();
    }

    @Test
    void reportsServiceUnavailableWhenJwksRefusesConnections() throws Exception {
        TokenValidator v = builder().jwksUri("http://127.0.0.1:1/keys").build();

        assertThat(assertRejected(v, token().sign(), BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();
    }

    @Test
    void doesNotRetryAFailedJwksFetchOnEveryRequest() throws Exception {
        as.jwksResponse(new MockResponse.Builder().code(500).build());
        TokenValidator v = validator();

        for (int i = 0; i < 10; i++) {
            assertRejected(v, token().sign(), BearerError.INVALID_TOKEN);
        }

        assertThat(as.jwksRequests()).isEqualTo(1);
    }

    @Test
    void keepsUsingCachedKeysThroughABoundedOutage() throws Exception {
        TokenValidator v = builder().requiredScopes(SCOPE).verifiedTokenCacheSize(0).build();
        v.validate(token().sign());
        as.jwksResponse(new MockResponse.Builder().code(500).build());

        clock.advance(Duration.ofMinutes(10));
        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");

        clock.advance(Duration.ofMinutes(11));
        TokenValidationException e = assertRejected(v, token().sign(), BearerError.INVALID_TOKEN);
        assertThat(e.isServiceUnavailable()).isTrue();
    }

    // 17
    @Test
    void ignoresSymmetricKeysInTheJwks() throws Exception {
        OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).keyID("rsa-1").generate();
        as.unpublish("rsa-1").publish(oct);
        TokenValidator v = builder().requiredScopes(SCOPE).build();

        assertInvalid(v, token().sign());
    }

    @Test
    void neverVerifiesWithASymmetricKeyPublishedNextToTheRsaKey() throws Exception {
        OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).keyID("oct-1").generate();
        as.publish(oct);
        TokenValidator v = validator();
        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");

        // The oct key's kid on an RS256 token: only the oct key carries that kid, and it must not count.
        TokenValidationException e = assertInvalid(v, token().keyId("oct-1").sign());
        assertThat(e.description()).isEqualTo("no signing key matches the token");
        assertThat(dev.baton.internal.validation.JwksCacheAccess.convert(oct)).isNull();
    }

    @Test
    void ignoresEncryptionKeysInTheJwks() throws Exception {
        RSAKey enc = new RSAKey.Builder(TestAuthorizationServer.otherRsaKey("enc")).keyUse(KeyUse.ENCRYPTION).build();
        as.publish(enc);

        assertInvalid(validator(), token().signWith(enc).sign());
    }

    @Test
    void ignoresRsaKeysShorterThan2048Bits() throws Exception {
        RSAKey weak = TestAuthorizationServer.weakRsaKey("weak", 1024);
        as.publish(weak);

        assertInvalid(validator(), token().signWith(weak).sign());
    }

    @Test
    void rejectsTokenSignedByAnUnpublishedKeyWithAKnownKid() throws Exception {
        assertInvalid(validator(), token().signWith(TestAuthorizationServer.otherRsaKey("rsa-1")).sign());
    }

    @Test
    void rejectsEcTokenWhoseAlgorithmDoesNotMatchTheCurve() throws Exception {
        assertInvalid(validator(), token().signWith(as.ecKey()).algorithm("ES384").signingAlgorithm("ES256").sign());
    }
}
