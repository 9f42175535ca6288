package dev.baton.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.testkit.FaultServer;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Fuzzes the RFC 7662 introspection answer (status, headers, body; see {@link FuzzedResponse}) as
 * the validator reads it for an opaque token: the only exception may be
 * {@link TokenValidationException}, and an accepted token names the configured audience.
 */
class IntrospectionResponseFuzzTest {
    private static final String OPAQUE = IssuedSecrets.remember("opaque-token-of-the-fuzzer-0001");

    private static final class Fixture {
        static final FaultServer SERVER;
        static final TokenValidator VALIDATOR;

        static {
            try {
                SERVER = new FaultServer(FaultServer.respond(500, null, ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Nothing cached: each input is one introspection request.
            VALIDATOR = TokenValidator.builder().issuer("https://idp.example.com").audience("mcpserver")
                    .jwksUri("https://idp.example.com/keys")
                    .introspection(SERVER.url("/introspect"), ClientAuthentication.clientSecretBasic("fuzzer",
                            IssuedSecrets.remember("introspection-secret-of-the-fuzzer")))
                    .introspectionCacheLifetime(Duration.ZERO).verifiedTokenCacheSize(0)
                    .httpTimeout(Duration.ofSeconds(2)).clock(new MutableClock(TokenValidatorFuzzTest.NOW))
                    .auditListener(AuditListener.none()).build();
        }
    }

    @FuzzTest
    void introspectionAnswer(byte[] input) {
        LoopbackOnly.allow();
        Fixture.SERVER.answerWith(FuzzedResponse.of(input).fault());
        ValidatedToken accepted;
        try {
            accepted = Fixture.VALIDATOR.validate(OPAQUE);
        } catch (TokenValidationException expected) {
            assertThat(expected.getMessage()).doesNotContain(OPAQUE);
            return;
        }
        assertThat(accepted.audiences()).contains("mcpserver");
        assertThat(accepted.value()).isEqualTo(OPAQUE);
        TokenValidatorFuzzTest.assertAccepted(accepted);
    }
}
