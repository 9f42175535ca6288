package dev.baton.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.baton.AuditListener;
import dev.baton.EndpointObserver;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.internal.discovery.MetadataDiscovery;
import dev.baton.testkit.FaultServer;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import mockwebserver3.MockWebServer;

/**
 * Fuzzes the documents Baton reads about an issuer (each answer as {@link FuzzedResponse} reads
 * it): RFC 8414 and OpenID Connect metadata, where only an {@link IOException} may escape discovery
 * and a document used names exactly the configured issuer (RFC 8414 §3.3), and the JWKS, where only
 * {@link TokenValidationException} may escape validation.
 */
class MetadataFuzzTest {
    private static final EndpointObserver NONE = EndpointObserver.none();
    private static final class Fixture {
        static final FaultServer SERVER;
        static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2)).build();
        static final TestAuthorizationServer AS;
        static final String TOKEN;

        static {
            try {
                SERVER = new FaultServer(FaultServer.respond(500, null, ""));
                MockWebServer keys = new MockWebServer();
                keys.start();
                AS = new TestAuthorizationServer(keys, "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TOKEN = AS.token().issuer("https://idp.example.com").subject("alice").audience("mcpserver")
                    .expiresAt(TokenValidatorFuzzTest.NOW.plusSeconds(300)).issuedAt(TokenValidatorFuzzTest.NOW).sign();
        }
    }

    /** Every discovery URL gets the same answer; {@code $ISSUER} in it is the configured issuer. */
    @FuzzTest
    void metadataDocument(byte[] input) {
        LoopbackOnly.allow();
        String issuer = Fixture.SERVER.url("/oauth2/mcp");
        Fixture.SERVER.answerWith(FuzzedResponse.of(input).with("$ISSUER", issuer).fault());
        AuthorizationServerMetadata found;
        try {
            found = MetadataDiscovery.discover(Fixture.CLIENT, NONE, issuer, Duration.ofSeconds(2));
        } catch (IOException expected) {
            return;
        }
        assertThat(found.getIssuer().getValue()).isEqualTo(issuer);
    }

    /** A new validator per input, so every input is fetched and read; {@code $KEY} is the issuer's public key. */
    @FuzzTest
    void jwksDocument(byte[] input) {
        LoopbackOnly.allow();
        Fixture.SERVER.answerWith(FuzzedResponse.of(input).with("$KEY", Fixture.AS.rsaKey().toPublicJWK().toJSONString())
                .fault());
        try (TokenValidator validator = TokenValidator.builder().issuer("https://idp.example.com")
                .jwksUri(Fixture.SERVER.url("/keys")).audience("mcpserver").httpClient(Fixture.CLIENT)
                .httpTimeout(Duration.ofSeconds(2)).clock(new MutableClock(TokenValidatorFuzzTest.NOW))
                .auditListener(AuditListener.none()).build()) {
            assertThat(validator.validate(Fixture.TOKEN).subject()).isEqualTo("alice");
        } catch (TokenValidationException expected) {
            return;
        }
    }
}
