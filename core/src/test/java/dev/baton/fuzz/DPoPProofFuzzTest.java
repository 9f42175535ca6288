package dev.baton.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64URL;
import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.PresentedToken;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.testkit.DPoPProofs;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import mockwebserver3.MockWebServer;

/**
 * Fuzzes the DPoP proof of {@link TokenValidator#validate(PresentedToken, AuditContext)} with a
 * good bound token: whatever the proof, the only exception is {@link TokenValidationException},
 * never with the proof in its message, and an accepted proof was signed by the token's key for
 * this request (docs/security.md cases 5 and 6, for proofs).
 */
class DPoPProofFuzzTest {
    static final String URL = "https://mcp.example.com/mcp";

    /** One issuer, client key, bound token and validator for the whole run. */
    private static final class Fixture {
        static final DPoPProofs CLIENT = DPoPProofs.es256();
        static final String TOKEN;
        static final TokenValidator VALIDATOR;

        static {
            MockWebServer server = new MockWebServer();
            try {
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TestAuthorizationServer as = new TestAuthorizationServer(server, "");
            TOKEN = as.token().issuer("https://idp.example.com").audience("mcpserver").subject("alice")
                    .expiresIn(Duration.ofDays(1)).claim("cnf", CLIENT.cnf()).sign();
            VALIDATOR = TokenValidator.builder().issuer("https://idp.example.com").jwksUri(as.jwksUri())
                    .audience("mcpserver").auditListener(AuditListener.none()).build();
        }
    }

    /** The input is the {@code DPoP} header, one byte per character. */
    @FuzzTest
    void arbitraryProof(byte[] input) {
        LoopbackOnly.allow();
        check(new String(input, StandardCharsets.ISO_8859_1));
    }

    /**
     * The input is a JOSE header and a claims set, separated by the first newline, as JSON text the
     * fuzzer writes, signed with the client's ES256 key: the fuzzer reaches the checks behind the
     * signature.
     */
    @FuzzTest
    void signedHeaderAndClaims(byte[] input) throws JOSEException {
        LoopbackOnly.allow();
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String header = newline < 0 ? text : text.substring(0, newline);
        String claims = newline < 0 ? "" : text.substring(newline + 1);
        String signingInput = Base64URL.encode(header) + "." + Base64URL.encode(claims);
        Base64URL signature = new ECDSASigner(Fixture.CLIENT.key().toECKey())
                .sign(new JWSHeader(JWSAlgorithm.ES256), signingInput.getBytes(StandardCharsets.US_ASCII));
        check(signingInput + "." + signature);
    }

    private static void check(String proof) {
        ValidatedToken accepted;
        try {
            accepted = Fixture.VALIDATOR.validate(PresentedToken.dpop(Fixture.TOKEN, proof, "POST", URI.create(URL)),
                    AuditContext.none());
        } catch (TokenValidationException expected) {
            assertThat(expected.getMessage()).doesNotContain(proof.length() > 8 ? proof : "\u0000never");
            return;
        }
        assertThat(accepted.dpopKeyThumbprint()).hasValue(Fixture.CLIENT.thumbprint());
    }
}
