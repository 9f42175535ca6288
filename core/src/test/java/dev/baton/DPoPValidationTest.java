package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.testkit.DPoPProofs;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.TestAuthorizationServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DPoP-bound tokens at the validator (RFC 9449 §4.3, §6, §7.1, §7.2, §9): every rule of the proof
 * check, the Bearer downgrade, the nonce dance and the introspection path. Proofs are made with
 * Nimbus' {@code DefaultDPoPProofFactory} ({@link DPoPProofs}), or by hand for the hostile ones
 * (docs/security.md cases 41-50).
 */
class DPoPValidationTest extends ValidatorTestSupport {
    static final String URL = "https://mcp.example.com/mcp";

    final DPoPProofs client = DPoPProofs.es256();
    final List<TokenValidator> built = new ArrayList<>();

    /** Closed after each test, so no timer lease outlives it. */
    TokenValidator track(TokenValidator v) {
        built.add(v);
        return v;
    }

    @Override
    TokenValidator validator() {
        return track(super.validator());
    }

    @AfterEach
    void closeValidators() {
        built.forEach(TokenValidator::close);
    }

    /** A token bound to {@link #client}'s key. */
    String boundToken() {
        return token().claim("cnf", client.cnf()).sign();
    }

    static PresentedToken dpop(String token, String proof) {
        return PresentedToken.dpop(token, proof, "POST", URI.create(URL));
    }

    ValidatedToken validate(TokenValidator v, PresentedToken p) throws TokenValidationException {
        return v.validate(p, AuditContext.of("POST", "/mcp"));
    }

    /** Asserts the refusal, one audit event, and that neither exception nor event quotes the token or the proof. */
    TokenValidationException assertRefused(TokenValidator v, PresentedToken p, BearerError expected) {
        int before = audit.validations().size();
        TokenValidationException e = catchThrowableOfType(TokenValidationException.class, () -> validate(v, p));
        assertThat(e).isNotNull();
        assertThat(e.error()).isEqualTo(expected);
        assertThat(audit.validations()).hasSize(before + 1);
        ValidationEvent event = audit.lastValidation();
        assertThat(event.accepted()).isFalse();
        assertThat(event.error()).isEqualTo(expected);
        for (String secret : new String[] {p.token(), p.dpopProof().orElse(null)}) {
            if (secret != null && secret.length() > 16) {
                assertThat(e.toString()).doesNotContain(secret).doesNotContain(signature(secret));
                assertThat(event.toString()).doesNotContain(secret).doesNotContain(signature(secret));
                assertThat(p.toString()).doesNotContain(secret);
            }
        }
        return e;
    }

    static String signature(String jws) {
        return jws.substring(jws.lastIndexOf('.') + 1).isEmpty() ? jws : jws.substring(jws.lastIndexOf('.') + 1);
    }

    @Test
    void acceptsBoundTokenWithProofOfItsKeyForThisRequest() throws Exception {
        String token = boundToken();

        ValidatedToken user = validate(validator(), dpop(token, client.proof("POST", URL, token)));

        assertThat(user.subject()).isEqualTo("alice");
        assertThat(user.dpopKeyThumbprint()).hasValue(client.thumbprint());
        assertThat(audit.lastValidation().accepted()).isTrue();
    }

    @Test
    void acceptsAGoodProofAgainWhenTheTokenComesFromTheVerifiedTokenCache() throws Exception {
        TokenValidator v = validator();
        String token = boundToken();
        validate(v, dpop(token, client.proof("POST", URL, token)));

        ValidatedToken again = validate(v, dpop(token, client.proof("POST", URL, token)));

        assertThat(again.subject()).isEqualTo("alice");
        assertThat(audit.lastValidation().fromCache()).isTrue();
    }

    @Test
    void refusesBoundTokenPresentedAsBearer() {
        TokenValidationException e = assertInvalid(validator(), boundToken());

        assertThat(e.description()).contains("DPoP-bound");
    }

    @Test
    void refusesBoundTokenPresentedAsBearerAfterItWasAcceptedWithAProof() throws Exception {
        TokenValidator v = validator();
        String token = boundToken();
        validate(v, dpop(token, client.proof("POST", URL, token)));

        assertInvalid(v, token);
        assertRefused(v, PresentedToken.bearer(token), BearerError.INVALID_TOKEN);
    }

    @Test
    void refusesUnboundTokenPresentedWithTheDPoPScheme() {
        String token = token().sign();

        TokenValidationException e = assertRefused(validator(), dpop(token, client.proof("POST", URL, token)),
                BearerError.INVALID_TOKEN);

        assertThat(e.description()).contains("not DPoP-bound");
    }

    @Test
    void refusesBoundTokenWithoutProof() {
        assertRefused(validator(), dpop(boundToken(), null), BearerError.INVALID_DPOP_PROOF);
    }

    @Test
    void refusesReplayedProof() throws Exception {
        TokenValidator v = validator();
        String token = boundToken();
        String proof = client.proof("POST", URL, token);
        validate(v, dpop(token, proof));

        TokenValidationException e = assertRefused(v, dpop(token, proof), BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).isEqualTo("DPoP proof was already used");
    }

    @Test
    void acceptsOneOfManyConcurrentUsesOfTheSameProof() throws Exception {
        TokenValidator v = validator();
        String token = boundToken();
        validate(v, dpop(token, client.proof("POST", URL, token)));
        String proof = client.proof("POST", URL, token);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> {
                    try {
                        validate(v, dpop(token, proof));
                        return true;
                    } catch (TokenValidationException e) {
                        return false;
                    }
                });
            }
            long accepted = 0;
            for (Future<Boolean> f : pool.invokeAll(calls, 30, TimeUnit.SECONDS)) {
                accepted += f.get() ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesProofForAnotherMethod() {
        String token = boundToken();

        TokenValidationException e = assertRefused(validator(), dpop(token, client.proof("GET", URL, token)),
                BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).contains("htm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://mcp.example.com/other", "https://evil.example.com/mcp",
        "http://mcp.example.com/mcp", "https://mcp.example.com:8443/mcp", "https://mcp.example.com/mcp/",
        "https://mcp.example.com/mcp?x=1", "mcp.example.com/mcp", "not a uri"})
    void refusesProofForAnotherUri(String htu) {
        String token = boundToken();
        Map<String, Object> claims = DPoPProofs.claims("POST", htu, token);

        TokenValidationException e = assertRefused(validator(),
                dpop(token, client.signRaw(client.header(), claims)), BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).contains("htu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTPS://MCP.Example.COM/mcp", "https://mcp.example.com:443/mcp",
        "https://mcp.example.com/./mcp", "https://mcp.example.com/x/../mcp", "https://mcp.example.com/%6Dcp"})
    void acceptsProofWhoseHtuEqualsTheRequestUriOnceNormalized(String htu) throws Exception {
        String token = boundToken();
        Map<String, Object> claims = DPoPProofs.claims("POST", htu, token);

        assertThat(validate(validator(), dpop(token, client.signRaw(client.header(), claims))).subject())
                .isEqualTo("alice");
    }

    @Test
    void ignoresTheQueryAndFragmentOfTheRequestUri() throws Exception {
        String token = boundToken();
        PresentedToken p = PresentedToken.dpop(token, client.proof("POST", URL, token), "POST",
                URI.create(URL + "?session=1#top"));

        assertThat(validate(validator(), p).subject()).isEqualTo("alice");
        assertThat(p.requestUri()).hasValue(URI.create(URL));
    }

    @Test
    void refusesProofWhoseAthIsAnotherTokens() {
        String token = boundToken();
        String other = boundToken();

        TokenValidationException e = assertRefused(validator(), dpop(token, client.proof("POST", URL, other)),
                BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).contains("ath");
    }

    @Test
    void refusesProofWithoutAth() {
        String token = boundToken();
        Map<String, Object> claims = DPoPProofs.claims("POST", URL, token);
        claims.remove("ath");

        assertRefused(validator(), dpop(token, client.signRaw(client.header(), claims)),
                BearerError.INVALID_DPOP_PROOF);
    }

    @Test
    void refusesProofByAnotherKeyThanTheTokenIsBoundTo() {
        String token = boundToken();
        DPoPProofs thief = DPoPProofs.es256();

        TokenValidationException e = assertRefused(validator(), dpop(token, thief.proof("POST", URL, token)),
                BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).contains("key");
    }

    @Test
    void refusesProofThatNamesTheBoundKeyButIsSignedByAnother() {
        String token = boundToken();
        DPoPProofs thief = DPoPProofs.es256();

        String forged = thief.signRaw(client.header(), DPoPProofs.claims("POST", URL, token));

        TokenValidationException e = assertRefused(validator(), dpop(token, forged), BearerError.INVALID_DPOP_PROOF);
        assertThat(e.description()).contains("signature");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE"})
    void refusesUnsignedProof(String alg) {
        String token = boundToken();
        Map<String, Object> header = client.header();
        header.put("alg", alg);

        assertRefused(validator(), dpop(token, DPoPProofs.unsigned(header, DPoPProofs.claims("POST", URL, token))),
                BearerError.INVALID_DPOP_PROOF);
    }

    @Test
    void refusesHmacProofKeyedWithThePublicJwk() throws Exception {
        String token = boundToken();
        Map<String, Object> header = client.header();
        header.put("alg", "HS256");
        String input = Base64URL.encode(JSONObjectUtils.toJSONString(header)) + "."
                + Base64URL.encode(JSONObjectUtils.toJSONString(DPoPProofs.claims("POST", URL, token)));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(client.key().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                "HmacSHA256"));
        String proof = IssuedSecrets.rememberToken(input + "." + Base64URL.encode(
                mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))));

        TokenValidationException e = assertRefused(validator(), dpop(token, proof), BearerError.INVALID_DPOP_PROOF);
        assertThat(e.description()).contains("algorithm");
    }

    @Test
    void refusesProofWithAnAlgorithmOutsideTheAllowList() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        DPoPProofs rsaClient = DPoPProofs.of(rsa, "RS256");
        String token = token().claim("cnf", rsaClient.cnf()).sign();
        TokenValidator v = track(builder().dpopAlgorithms("ES256").build());

        TokenValidationException e = assertRefused(v, dpop(token, rsaClient.proof("POST", URL, token)),
                BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).contains("algorithm");
        assertThat(v.dpopAlgorithms()).containsExactly("ES256");
    }

    @Test
    void acceptsRsaProofsByDefault() throws Exception {
        DPoPProofs rsaClient = DPoPProofs.of(new RSAKeyGenerator(2048).generate(), "PS256");
        String token = token().claim("cnf", rsaClient.cnf()).sign();

        assertThat(validate(validator(), dpop(token, rsaClient.proof("POST", URL, token))).subject())
                .isEqualTo("alice");
    }

    @Test
    void refusesProofCarryingAPrivateKey() {
        String token = boundToken();
        Map<String, Object> header = client.header();
        header.put("jwk", client.key().toJSONObject());

        assertRefused(validator(), dpop(token, client.signRaw(header, DPoPProofs.claims("POST", URL, token))),
                BearerError.INVALID_DPOP_PROOF);
    }

    @Test
    void refusesProofWithoutJwk() {
        String token = boundToken();
        Map<String, Object> header = client.header();
        header.remove("jwk");

        assertRefused(validator(), dpop(token, client.signRaw(header, DPoPProofs.claims("POST", URL, token))),
                BearerError.INVALID_DPOP_PROOF);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "at+jwt", "dpop", ""})
    void refusesProofOfAnotherType(String typ) {
        String token = boundToken();
        Map<String, Object> header = client.header();
        header.put("typ", typ);

        TokenValidationException e = assertRefused(validator(),
                dpop(token, client.signRaw(header, DPoPProofs.claims("POST", URL, token))),
                BearerError.INVALID_DPOP_PROOF);
        assertThat(e.description()).contains("typ");
    }

    @Test
    void refusesProofFromTheFuture() {
        String token = boundToken();
        String proof = client.proof(Instant.now().plusSeconds(120), "POST", URL, token, null);

        TokenValidationException e = assertRefused(validator(), dpop(token, proof), BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).contains("future");
    }

    @Test
    void refusesProofOlderThanTheMaxAge() {
        String token = boundToken();
        String proof = client.proof(Instant.now().minusSeconds(90), "POST", URL, token, null);

        TokenValidationException e = assertRefused(validator(), dpop(token, proof), BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).contains("too old");
    }

    @Test
    void acceptsAnOlderProofWithinAConfiguredMaxAge() throws Exception {
        String token = boundToken();
        String proof = client.proof(Instant.now().minusSeconds(90), "POST", URL, token, null);

        assertThat(validate(track(builder().dpopProofMaxAge(Duration.ofMinutes(2)).build()), dpop(token, proof)).subject())
                .isEqualTo("alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jti", "htm", "htu", "iat"})
    void refusesProofWithoutARequiredClaim(String claim) {
        String token = boundToken();
        Map<String, Object> claims = DPoPProofs.claims("POST", URL, token);
        claims.remove(claim);

        assertRefused(validator(), dpop(token, client.signRaw(client.header(), claims)),
                BearerError.INVALID_DPOP_PROOF);
    }

    @Test
    void refusesProofWithClaimsOfTheWrongType() {
        String token = boundToken();
        Map<String, Object> claims = DPoPProofs.claims("POST", URL, token);
        claims.put("htm", List.of("POST"));

        assertRefused(validator(), dpop(token, client.signRaw(client.header(), claims)),
                BearerError.INVALID_DPOP_PROOF);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "a.b", "a.b.c", "a.b.c.d.e", "e30.e30.", "!!!.???.###"})
    void refusesMalformedProof(String proof) {
        assertRefused(validator(), dpop(boundToken(), proof), BearerError.INVALID_DPOP_PROOF);
    }

    @Test
    void refusesOversizedProofBeforeParsingIt() {
        String token = boundToken();
        String good = client.proof("POST", URL, token);
        String huge = IssuedSecrets.remember(good.substring(0, good.lastIndexOf('.')) + "." + "A".repeat(9000));

        TokenValidationException e = assertRefused(validator(), dpop(token, huge), BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).isEqualTo("DPoP proof is too long");
    }

    @Test
    void theNonceDanceEndsInAcceptance() throws Exception {
        TokenValidator v = track(builder().requireDPoPNonce().build());
        String token = boundToken();

        TokenValidationException first = assertRefused(v, dpop(token, client.proof("POST", URL, token)),
                BearerError.USE_DPOP_NONCE);
        String nonce = first.dpopNonce().orElseThrow();

        assertThat(validate(v, dpop(token, client.proof("POST", URL, token, nonce))).subject()).isEqualTo("alice");
    }

    @Test
    void refusesAProofWithAnUnknownNonceAndOffersTheCurrentOne() {
        TokenValidator v = track(builder().requireDPoPNonce().build());
        String token = boundToken();
        String nonce = assertRefused(v, dpop(token, client.proof("POST", URL, token)), BearerError.USE_DPOP_NONCE)
                .dpopNonce().orElseThrow();

        TokenValidationException e = assertRefused(v, dpop(token, client.proof("POST", URL, token, "made-up-nonce")),
                BearerError.USE_DPOP_NONCE);

        assertThat(e.dpopNonce()).hasValue(nonce);
    }

    @Test
    void withoutNoncesRequiredAProofWithANonceIsRefused() {
        String token = boundToken();

        TokenValidationException e = assertRefused(validator(), dpop(token, client.proof("POST", URL, token, "abc")),
                BearerError.INVALID_DPOP_PROOF);

        assertThat(e.description()).contains("nonce");
        assertThat(e.dpopNonce()).isEmpty();
    }

    @Test
    void aCustomValidatorRefusesDPoPPresentationsByDefault() {
        TokenValidator custom = (token, context) -> ValidatedToken.of(token, Map.of("sub", "x"));

        TokenValidationException e = catchThrowableOfType(TokenValidationException.class,
                () -> custom.validate(dpop("t0ken-value", "p"), AuditContext.none()));

        assertThat(e.error()).isEqualTo(BearerError.INVALID_TOKEN);
        assertThat(custom.dpopAlgorithms()).isEmpty();
    }

    @Test
    void aMultiIssuerValidatorHandsTheProofToTheIssuersValidator() throws Exception {
        TokenValidator multi = track(TokenValidator.forIssuers(audit, validator()));
        String token = boundToken();

        assertThat(multi.validate(dpop(token, client.proof("POST", URL, token)), AuditContext.none()).subject())
                .isEqualTo("alice");
        assertThatThrownBy(() -> multi.validate(token)).isInstanceOf(TokenValidationException.class);
        assertThat(multi.dpopAlgorithms()).containsExactlyElementsOf(validator().dpopAlgorithms());
    }

    @Test
    void introspectionAnswerWithCnfJktIsRefusedAsBearer() {
        as.introspection(t -> TestAuthorizationServer.json(introspected("DPoP", true)));
        TokenValidator v = introspecting();

        assertInvalid(v, "opaque-dpop-token-1");
    }

    @Test
    void introspectionAnswerWithCnfJktIsAcceptedWithItsProof() throws Exception {
        as.introspection(t -> TestAuthorizationServer.json(introspected("DPoP", true)));
        String token = "opaque-dpop-token-2";

        ValidatedToken user = validate(introspecting(), dpop(token, client.proof("POST", URL, token)));

        assertThat(user.dpopKeyThumbprint()).hasValue(client.thumbprint());
    }

    @Test
    void introspectionAnswerOfTokenTypeDPoPWithoutCnfIsRefusedEitherWay() {
        as.introspection(t -> TestAuthorizationServer.json(introspected("DPoP", false)));
        String token = "opaque-dpop-token-3";

        assertInvalid(introspecting(), token);
        assertRefused(introspecting(), dpop(token, client.proof("POST", URL, token)), BearerError.INVALID_TOKEN);
    }

    @Test
    void tokenWithACnfJktOfTheWrongTypeIsRefused() {
        String token = token().claim("cnf", Map.of("jkt", 42)).sign();

        assertRefused(validator(), dpop(token, client.proof("POST", URL, token)), BearerError.INVALID_TOKEN);
    }

    @Test
    void builderRefusesNoneHmacAndUnboundedSettings() {
        assertThatThrownBy(() -> TokenValidator.builder().dpopAlgorithms("none"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenValidator.builder().dpopAlgorithms("HS256"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenValidator.builder().dpopProofMaxAge(Duration.ofMinutes(6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DPoP proof max age");
        assertThatThrownBy(() -> TokenValidator.builder().dpopProofMaxAge(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DPoP proof max age");
        assertThatThrownBy(() -> TokenValidator.builder().dpopReplayCacheSize(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DPoP replay cache size");
    }

    @Test
    void presentedTokenShowsNeitherTokenNorProof() {
        PresentedToken p = PresentedToken.dpop("secret-token-value", "secret-proof-value", "GET", URI.create(URL));

        assertThat(p.toString()).isEqualTo("PresentedToken[DPoP GET " + URL + "]");
        assertThat(PresentedToken.bearer("secret-token-value").toString()).isEqualTo("PresentedToken[Bearer]");
        assertThatThrownBy(() -> PresentedToken.dpop("t", "p", "GET", URI.create("/relative")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PresentedToken.dpop("t", "p", "GE T", URI.create(URL)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private TokenValidator introspecting() {
        return track(builder().requiredScopes(SCOPE)
                .introspection(ClientAuthentication.clientSecretBasic("mcp-server", "s3cret")).build());
    }

    private String introspected(String tokenType, boolean withCnf) {
        return "{\"active\":true,\"sub\":\"alice\",\"scope\":\"" + SCOPE + "\",\"aud\":\"" + AUDIENCE
                + "\",\"iss\":\"" + as.issuer() + "\",\"token_type\":\"" + tokenType + "\",\"exp\":"
                + clock.instant().plusSeconds(300).getEpochSecond()
                + (withCnf ? ",\"cnf\":{\"jkt\":\"" + client.thumbprint() + "\"}" : "") + "}";
    }
}
