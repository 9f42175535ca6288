package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.BearerError;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.ValidationEvent;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.testkit.JwtBuilder;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cases 1-17 of docs/security.md sent as real HTTP requests to the filter in Jetty 12 and
 * Tomcat 11, with the real {@link TokenValidator} and the test kit's MockWebServer issuer. Every
 * hostile request gets its status and error, and none reaches the servlet behind the filter.
 * Test {@code caseNN...} covers docs/security.md case NN.
 */
@ClassTemplate
class SecurityCasesTest {
    static final String AUDIENCE = "mcpserver";
    static final String SCOPE = "mcp:tools:call";

    @RegisterExtension
    static final Containers containers = Containers.withSwappableFilter();

    Containers.Running server;
    RecordingServlet app;
    SwappableFilter front;

    @StartStop
    final MockWebServer idp = new MockWebServer();
    @StartStop
    final MockWebServer elsewhere = new MockWebServer();

    TestAuthorizationServer as;
    final List<ValidationEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        server = containers.server();
        app = containers.app();
        front = containers.front();
        as = new TestAuthorizationServer(idp);
        app.reset();
        install(validator().build());
    }

    TokenValidator.Builder validator() {
        return TokenValidator.builder().issuer(as.issuer()).audience(AUDIENCE).auditListener(new AuditListener() {
            @Override
            public void onValidation(ValidationEvent event) {
                events.add(event);
            }
        });
    }

    void install(TokenValidator validator) {
        front.delegate.set(BearerTokenFilter.builder(validator)
                .resource(server.uri("/mcp").toString())
                .authorizationServers(as.issuer())
                .requireScopes("/mcp/*", SCOPE)
                .build());
    }

    String good() {
        return as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).sign();
    }

    HttpResponse<String> call(String token) {
        return Http.get(server.uri("/mcp"), "Authorization", "Bearer " + token);
    }

    void assertRefused(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(Http.bearerParams(r.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("error", error);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(app.calls).as("requests that reached the servlet").hasValue(0);
    }

    @Test
    void validTokenReachesTheServletAsItsSubject() {
        HttpResponse<String> r = call(good());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.principal).hasValue("alice");
        assertThat(app.bound.get().subject()).isEqualTo("alice");
        assertThat(front.boundAfter).hasValue(false);
    }

    @Test
    void validatorAuditsTheRequestMethodAndPath() {
        Http.send("POST", server.uri("/mcp/tools"), "application/json", "{}", "Authorization", "Bearer " + good());

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.accepted()).isTrue();
            assertThat(e.subject()).isEqualTo("alice");
            assertThat(e.context()).isEqualTo(AuditContext.of("POST", "/mcp/tools"));
        });
    }

    @Test
    void challengesAreExactlyAsTheReadmeShowsThem() {
        String metadata = server.uri("/.well-known/oauth-protected-resource/mcp").toString();
        String expired = as.token().subject("alice").audience(AUDIENCE).scope(SCOPE)
                .expiresAt(Instant.now().minusSeconds(600)).sign();
        String underScoped = as.token().subject("alice").audience(AUDIENCE).scope("mcp:tools:list").sign();

        HttpResponse<String> missing = Http.get(server.uri("/mcp"));
        HttpResponse<String> invalid = call(expired);
        HttpResponse<String> forbidden = call(underScoped);

        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer scope=\"mcp:tools:call\", resource_metadata=\"" + metadata + "\"");
        assertThat(missing.body()).isEqualTo("{\"error_description\":\"A bearer token is required.\"}");
        assertThat(invalid.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer error=\"invalid_token\", scope=\"mcp:tools:call\", resource_metadata=\"" + metadata
                        + "\", error_description=\"token is expired\"");
        assertThat(invalid.body()).isEqualTo("{\"error\":\"invalid_token\",\"error_description\":\"token is expired\"}");
        assertThat(forbidden.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer error=\"insufficient_scope\", scope=\"mcp:tools:call\", resource_metadata=\"" + metadata
                        + "\", error_description=\"The token lacks a scope this resource requires.\"");
        for (HttpResponse<String> r : List.of(missing, invalid, forbidden)) {
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().firstValue("Pragma")).hasValue("no-cache");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).hasValue("WWW-Authenticate");
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).isEqualToIgnoringCase(
                    "application/json;charset=UTF-8");
        }
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void pathScopeRefusalIsTheFiltersEventAfterTheValidatorsAcceptance() {
        AuditListener recorder = new AuditListener() {
            @Override
            public void onValidation(ValidationEvent event) {
                events.add(event);
            }
        };
        front.delegate.set(BearerTokenFilter.builder(validator().build())
                .resource(server.uri("/mcp").toString())
                .authorizationServers(as.issuer())
                .requireScopes("/mcp/*", SCOPE)
                .auditListener(recorder)
                .build());
        String token = as.token().subject("alice").audience(AUDIENCE).scope("mcp:tools:list").sign();

        call(token);

        // Documented: the validator accepts the token, then the filter refuses it for the path.
        assertThat(events).hasSize(2);
        assertThat(events.get(0).accepted()).isTrue();
        assertThat(events.get(1).accepted()).isFalse();
        assertThat(events.get(1).error()).isEqualTo(BearerError.INSUFFICIENT_SCOPE);
        for (ValidationEvent e : events) {
            assertThat(e.tokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(token));
            assertThat(e.subject()).isEqualTo("alice");
            assertThat(e.context()).isEqualTo(AuditContext.of("GET", "/mcp"));
        }
    }

    @Test
    void threadBindingIsClearedWhenTheApplicationThrows() {
        HttpResponse<String> r = Http.get(server.uri("/mcp/explode"), "Authorization", "Bearer " + good());

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(app.bound.get().subject()).isEqualTo("alice");
        assertThat(front.boundAfter).hasValue(false);
    }

    @Test
    void validatorAuditsRejectionsWithTheRequestMethodAndPath() {
        call(as.token().subject("alice").audience("backend").scope(SCOPE).sign());

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.accepted()).isFalse();
            assertThat(e.error()).isEqualTo(BearerError.INVALID_TOKEN);
            assertThat(e.context()).isEqualTo(AuditContext.of("GET", "/mcp"));
        });
    }

    @Test
    void case34NoTokenReachesTheLogs() {
        TokenValidator defaults = TokenValidator.builder().issuer(as.issuer()).audience(AUDIENCE).build();
        front.delegate.set(BearerTokenFilter.builder(defaults)
                .resource(server.uri("/mcp").toString())
                .authorizationServers(as.issuer())
                .requireScopes("/mcp/*", SCOPE)
                .maxTokenLength(2048)
                .build());
        String accepted = good();
        String expired = as.token().subject("alice").audience(AUDIENCE).scope(SCOPE)
                .expiresAt(Instant.now().minusSeconds(600)).sign();
        String underScoped = as.token().subject("alice").audience(AUDIENCE).scope("other").sign();
        String inQuery = as.token().subject("carol").audience(AUDIENCE).scope(SCOPE).sign();
        String tooLong = "x" + "Q".repeat(3000);
        String malformed = "abc,def";
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            call(accepted);
            call(expired);
            call(underScoped);
            Http.get(server.uri("/mcp?access_token=" + inQuery));
            call(tooLong);
            call(malformed);
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("dev.baton.audit").contains(ValidatedToken.fingerprintOf(accepted));
        for (String token : List.of(accepted, expired, underScoped, inQuery)) {
            for (String part : token.split("\\.")) {
                assertThat(log).doesNotContain(part.substring(Math.max(0, part.length() - 40)));
            }
        }
        assertThat(log).doesNotContain("Q".repeat(40)).doesNotContain(malformed);
    }

    @Test
    void case01AlgNoneInAnyCaseIs401() {
        for (String alg : List.of("none", "None", "NONE", "nOnE")) {
            assertRefused(call(as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).signAlgNone(alg)),
                    401, "invalid_token");
        }
    }

    @Test
    void case02Rs256ResignedAsHs256WithThePublicKeyIs401() {
        assertRefused(call(as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).signHmacWithPublicKey()),
                401, "invalid_token");
    }

    @Test
    void case03AlgorithmOutsideTheAllowlistIs401() {
        install(validator().allowedAlgorithms("RS256").build());

        assertRefused(call(as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).algorithm("RS512").sign()),
                401, "invalid_token");
    }

    @Test
    void case04JweIs401() {
        String jwe = Base64URL.encode("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}") + ".AAAA.AAAA.AAAA.AAAA";

        assertRefused(call(jwe), 401, "invalid_token");
    }

    @Test
    void case04NestedJwtIs401() {
        String inner = good();
        String nested = as.token().header("cty", "JWT").rawPayload(inner).sign();

        assertRefused(call(nested), 401, "invalid_token");
    }

    @Test
    void case05MalformedTokensAre401NeverA500() {
        String header = Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}").toString();
        List<String> malformed = List.of(
                "abc",
                header + ".e30",
                header + ".e30.c2ln.ZXh0cmE",
                header + ".bm90IGpzb24.c2ln",
                Base64URL.encode("not json") + ".e30.c2ln",
                "a!b.c.d",
                as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).claim("nbf", Map.of()).sign(),
                as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).claim("exp", "tomorrow").sign());
        for (String token : malformed) {
            assertRefused(call(token), 401, "invalid_token");
        }
    }

    @Test
    void case05WhitespaceInsideTheTokenIs401() {
        String token = good();
        HttpResponse<String> r = Http.get(server.uri("/mcp"), "Authorization",
                "Bearer " + token.substring(0, 20) + " " + token.substring(20));

        assertRefused(r, 401, "invalid_token");
    }

    @Test
    void case06TokenOverTheCapIs401BeforeDecoding() {
        assertRefused(call("e" + "A".repeat(BearerTokenFilter.Builder.DEFAULT_MAX_TOKEN_LENGTH)), 401, "invalid_token");
        assertThat(events).as("validations by the core validator").isEmpty();
    }

    @Test
    void case06HeaderOfSeveralMegabytesNeverReachesTheServlet() throws IOException {
        URI base = server.base();
        int status;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String head = "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ";
            try {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = "A".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 48; i++) {
                    out.write(chunk);
                }
                out.write("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedByServer) {
                // The container may close the connection as soon as the header is too large.
            }
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            status = statusLine.length() == 12 ? Integer.parseInt(statusLine.substring(9, 12)) : -1;
        } catch (IOException reset) {
            status = -1;
        }
        // Jetty answers 431, Tomcat 400; either may also just reset the connection.
        assertThat(status).isIn(-1, 400, 431);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void case07JkuAndX5uAreNeverFetched() {
        RSAKey attacker = TestAuthorizationServer.otherRsaKey("attacker-1");
        String jku = as.token().subject("alice").audience(AUDIENCE).scope(SCOPE)
                .header("jku", elsewhere.url("/jwks").toString()).signWith(attacker).sign();
        String x5u = as.token().subject("alice").audience(AUDIENCE).scope(SCOPE)
                .header("x5u", elsewhere.url("/cert.pem").toString()).signWith(attacker).sign();

        assertRefused(call(jku), 401, "invalid_token");
        assertRefused(call(x5u), 401, "invalid_token");
        assertThat(elsewhere.getRequestCount()).isZero();
    }

    @Test
    void case08HostileKidIsAnOpaqueUnknownKey() {
        for (String kid : List.of("k".repeat(4000), "../../../../etc/passwd", "' OR '1'='1", "\u202e\u0000\ud83d\udca5")) {
            assertRefused(call(as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).keyId(kid).sign()),
                    401, "invalid_token");
        }
    }

    @Test
    void case09WrongIssuerIs401() {
        String issuer = as.issuer();
        for (String iss : List.of("https://evil.example.com/oauth2/mcp", issuer + "/", issuer.replace("http:", "https:"))) {
            assertRefused(call(as.token().issuer(iss).subject("alice").audience(AUDIENCE).scope(SCOPE).sign()),
                    401, "invalid_token");
        }
    }

    @Test
    void case09KeyOfAnotherIssuerNeverVerifies() throws IOException {
        try (MockWebServer otherIdp = new MockWebServer()) {
            otherIdp.start();
            TestAuthorizationServer other = new TestAuthorizationServer(otherIdp);

            assertRefused(call(other.token().issuer(as.issuer()).subject("alice").audience(AUDIENCE).scope(SCOPE).sign()),
                    401, "invalid_token");
        }
    }

    @Test
    void case10MissingOrForeignAudienceIs401() {
        assertRefused(call(as.token().subject("alice").scope(SCOPE).sign()), 401, "invalid_token");
        assertRefused(call(as.token().subject("alice").audience("backend").scope(SCOPE).sign()), 401, "invalid_token");
        assertRefused(call(as.token().subject("alice").audienceArray("backend", "other").scope(SCOPE).sign()),
                401, "invalid_token");
    }

    @Test
    void case10AudienceAsStringOrArrayIsAccepted() {
        assertThat(call(as.token().subject("alice").audienceArray("backend", AUDIENCE).scope(SCOPE).sign()).statusCode())
                .isEqualTo(200);
        assertThat(call(as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).sign()).statusCode()).isEqualTo(200);
    }

    @Test
    void case11BadTimesAre401() {
        Instant now = Instant.now();
        List<String> tokens = List.of(
                as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).claim("exp", null).sign(),
                as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).expiresAt(now.minusSeconds(600)).sign(),
                as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).claim("exp", "soon").sign(),
                as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).notBefore(now.plusSeconds(3600)).sign(),
                as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).issuedAt(now.plusSeconds(3600))
                        .expiresAt(now.plusSeconds(7200)).sign());
        for (String token : tokens) {
            assertRefused(call(token), 401, "invalid_token");
        }
    }

    @Test
    void case12MissingScopeIs403WithTheScope() {
        HttpResponse<String> r = call(as.token().subject("alice").audience(AUDIENCE).scope("mcp:tools:list").sign());

        assertRefused(r, 403, "insufficient_scope");
        assertThat(Http.bearerParams(r.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("scope", SCOPE);
    }

    @Test
    void case12ValidatorRequiredScopeMissingIs403WithBothScopes() {
        install(validator().requiredScopes("mcp:read").build());

        HttpResponse<String> r = call(good());

        assertRefused(r, 403, "insufficient_scope");
        assertThat(Http.bearerParams(r.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("scope", "mcp:read " + SCOPE);
    }

    @Test
    void case12ScopeStringAndScpStringAndArrayAreAllUnderstood() {
        assertThat(call(as.token().subject("alice").audience(AUDIENCE).scope("openid " + SCOPE).sign()).statusCode())
                .isEqualTo(200);
        assertThat(call(as.token().subject("alice").audience(AUDIENCE).claim("scp", SCOPE).sign()).statusCode())
                .isEqualTo(200);
        assertThat(call(as.token().subject("alice").audience(AUDIENCE).scp("openid", SCOPE).sign()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void case13SeveralHeadersOrTokenInQueryOrBodyIs400EvenForAValidToken() {
        String token = good();

        assertRefused(Http.get(server.uri("/mcp"), "Authorization", "Bearer " + token, "Authorization", "Bearer " + token),
                400, "invalid_request");
        assertRefused(Http.get(server.uri("/mcp?access_token=" + token)), 400, "invalid_request");
        assertRefused(Http.send("POST", server.uri("/mcp"), "application/x-www-form-urlencoded",
                "access_token=" + token), 400, "invalid_request");
    }

    @Test
    void case14KidFloodFetchesTheJwksBoundedlyAndValidTokensKeepWorking() {
        assertThat(call(good()).statusCode()).isEqualTo(200);
        app.reset();
        int before = as.jwksRequests();

        for (int i = 0; i < 25; i++) {
            assertRefused(call(as.token().subject("mallory").audience(AUDIENCE).scope(SCOPE)
                    .keyId(UUID.randomUUID().toString()).sign()), 401, "invalid_token");
        }

        assertThat(as.jwksRequests() - before).isLessThanOrEqualTo(1);
        assertThat(call(good()).statusCode()).isEqualTo(200);
    }

    @Test
    void case15TokenSignedWithARotatedKeyIsAcceptedAfterOneRefresh() {
        MutableClock clock = new MutableClock(Instant.now());
        as.clock(clock);
        install(validator().clock(clock).build());
        assertThat(call(good()).statusCode()).isEqualTo(200);
        int before = as.jwksRequests();

        as.rotate();
        clock.advance(Duration.ofSeconds(31));

        assertThat(call(good()).statusCode()).isEqualTo(200);
        assertThat(as.jwksRequests() - before).isEqualTo(1);
    }

    @Test
    void case15RemovedKeyStopsVerifyingAfterTheCacheLifetime() {
        MutableClock clock = new MutableClock(Instant.now());
        as.clock(clock);
        install(validator().clock(clock).build());
        RSAKey old = as.signingKey();
        assertThat(call(good()).statusCode()).isEqualTo(200);

        as.rotate();
        as.unpublish(old.getKeyID());
        clock.advance(Duration.ofMinutes(6));
        app.reset();

        assertRefused(call(as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).signWith(old).sign()),
                401, "invalid_token");
    }

    @Test
    void case16JwksDownIsAControlled503WithoutStackTrace() {
        as.jwksResponse(new MockResponse.Builder().code(500).body("java.lang.NullPointerException at x").build());

        HttpResponse<String> r = call(good());

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body()).contains("temporarily_unavailable").doesNotContain("Exception", "\tat ");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void case16MalformedJwksIsControlledNeverA500() {
        as.jwksResponse(TestAuthorizationServer.json("{\"keys\": [ {\"kty\": 42 } "));

        HttpResponse<String> r = call(good());

        assertThat(r.statusCode()).isIn(401, 503);
        assertThat(r.body()).doesNotContain("Exception", "\tat ");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void case16CachedKeysKeepWorkingWhileTheJwksIsDown() {
        assertThat(call(good()).statusCode()).isEqualTo(200);
        as.jwksResponse(new MockResponse.Builder().code(503).build());

        assertThat(call(as.token().subject("bob").audience(AUDIENCE).scope(SCOPE).sign()).statusCode()).isEqualTo(200);
        assertThat(app.principal).hasValue("bob");
    }

    @Test
    void case17TokenSignedWithThePublishedSymmetricKeyNeverVerifies() throws Exception {
        // The attack: the JWKS (wrongly) publishes an oct key, so anyone can read its "k" and MAC
        // their own tokens with it. Signed exactly as the key allows, the token must still be refused.
        OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).keyID("oct-1").generate();
        as.publish(oct);
        OctetSequenceKey published = (OctetSequenceKey) as.jwks().getKeyByKeyId("oct-1");
        JwtBuilder claims = as.token().subject("alice").audience(AUDIENCE).scope(SCOPE);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("oct-1")
                .type(new JOSEObjectType("at+jwt")).build(), JWTClaimsSet.parse(claims.claims()));
        jwt.sign(new MACSigner(published));

        assertThat(published.toByteArray()).isEqualTo(oct.toByteArray());
        assertRefused(call(jwt.serialize()), 401, "invalid_token");
    }

    @Test
    void case17ControlTheSameClaimsSignedWithThePublishedRsaKeyAreAccepted() throws Exception {
        as.publish(new OctetSequenceKeyGenerator(256).keyID("oct-1").generate());
        JwtBuilder claims = as.token().subject("alice").audience(AUDIENCE).scope(SCOPE);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(as.signingKey().getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), JWTClaimsSet.parse(claims.claims()));
        jwt.sign(new RSASSASigner(as.signingKey()));

        assertThat(call(jwt.serialize()).statusCode()).isEqualTo(200);
    }

    @Test
    void case17EncryptionKeyInTheJwksNeverVerifies() throws Exception {
        RSAKey enc = new RSAKeyGenerator(2048).keyID("enc-1").keyUse(KeyUse.ENCRYPTION).generate();
        as.publish(enc);

        assertRefused(call(as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).signWith(enc).sign()),
                401, "invalid_token");
    }

    @Test
    void case17RsaKeyUnder2048BitsNeverVerifies() {
        RSAKey weak = TestAuthorizationServer.weakRsaKey("weak-1", 1024);
        as.publish(weak);

        assertRefused(call(as.token().subject("alice").audience(AUDIENCE).scope(SCOPE).signWith(weak).sign()),
                401, "invalid_token");
    }
}
