package dev.baton.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.TokenType;
import dev.baton.testkit.FaultServer;
import dev.baton.testkit.IssuedSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Fuzzes the token endpoint's answer (status, headers, body; see {@link FuzzedResponse}) as the
 * exchanger reads it over loopback HTTP: the only exception may be {@link TokenExchangeException}
 * (docs/security.md cases 22-25), and a token it returns is a non-blank Bearer token that expires
 * within the one-hour cap and is not the subject token.
 */
class TokenResponseFuzzTest {
    private static final String SUBJECT = IssuedSecrets.remember("subject-token-of-the-fuzzer-0001");

    private static final class Fixture {
        static final FaultServer SERVER;
        static final TokenExchanger EXCHANGER;

        static {
            try {
                SERVER = new FaultServer(FaultServer.respond(500, null, ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // One attempt and no cache: each input is one call to the endpoint.
            EXCHANGER = TokenExchanger.builder().tokenEndpoint(SERVER.url("/token"))
                    .clientAuthentication(ClientAuthentication.clientSecretBasic("fuzzer",
                            IssuedSecrets.remember("client-secret-of-the-fuzzer")))
                    .maxAttempts(1).deadline(Duration.ofSeconds(2)).noCache().auditListener(AuditListener.none())
                    .build();
        }
    }

    @FuzzTest
    void tokenEndpointAnswer(byte[] input) {
        LoopbackOnly.allow();
        Fixture.SERVER.answerWith(FuzzedResponse.of(input).fault());
        ExchangedToken token;
        try {
            token = Fixture.EXCHANGER.exchange(ExchangeRequest.builder().subjectToken(SUBJECT, TokenType.ACCESS_TOKEN)
                    .audience("backend").build());
        } catch (TokenExchangeException expected) {
            assertThat(expected.getMessage()).doesNotContain(SUBJECT);
            return;
        }
        assertThat(token.accessToken()).isNotBlank().isNotEqualTo(SUBJECT);
        assertThat(token.tokenType()).isEqualToIgnoringCase("Bearer");
        assertThat(token.expiresAt()).isBefore(Instant.now().plus(Duration.ofHours(1)).plusSeconds(5));
    }
}
