package dev.baton.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import dev.baton.AuditListener;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import mockwebserver3.MockWebServer;

/**
 * Fuzzes {@link TokenValidator#validate(String)}: whatever the token, the only exception it may
 * throw is {@link TokenValidationException} (its documented contract, docs/security.md case 5), and
 * what it accepts is a token of the configured issuer and audience. The JWKS is fetched once from
 * the test issuer; the clock stands still at 2026-11-30, so no key expires while fuzzing.
 */
class TokenValidatorFuzzTest {
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    /** One issuer and validator for the whole run: building them per input would fuzz the network. */
    private static final class Fixture {
        static final TestAuthorizationServer AS;
        static final TokenValidator VALIDATOR;

        static {
            MockWebServer server = new MockWebServer();
            try {
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            AS = new TestAuthorizationServer(server, "");
            VALIDATOR = TokenValidator.builder().issuer("https://idp.example.com").jwksUri(AS.jwksUri())
                    .audience("mcpserver").clock(new MutableClock(NOW)).verifiedTokenCacheSize(0)
                    .auditListener(AuditListener.none()).build();
        }
    }

    /** The input is the token, one byte per character. */
    @FuzzTest
    void arbitraryToken(byte[] input) {
        LoopbackOnly.allow();
        check(new String(input, StandardCharsets.ISO_8859_1));
    }

    /**
     * The input is a JOSE header and a claims set, separated by the first newline, each as JSON text
     * the fuzzer writes, signed with the issuer's RS256 key: the fuzzer reaches the header and claim
     * checks behind the signature.
     */
    @FuzzTest
    void signedHeaderAndClaims(byte[] input) throws JOSEException {
        LoopbackOnly.allow();
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String header = newline < 0 ? text : text.substring(0, newline);
        String claims = newline < 0 ? "" : text.substring(newline + 1);
        String signingInput = Base64URL.encode(header) + "." + Base64URL.encode(claims);
        Base64URL signature = new RSASSASigner(Fixture.AS.rsaKey()).sign(new JWSHeader(JWSAlgorithm.RS256),
                signingInput.getBytes(StandardCharsets.US_ASCII));
        check(signingInput + "." + signature);
    }

    private static void check(String token) {
        ValidatedToken accepted;
        try {
            accepted = Fixture.VALIDATOR.validate(token);
        } catch (TokenValidationException expected) {
            assertThat(expected.getMessage()).doesNotContain(token.length() > 8 ? token : "\u0000never");
            return;
        }
        assertThat(accepted.issuer()).isEqualTo("https://idp.example.com");
        assertThat(accepted.audiences()).contains("mcpserver");
        assertAccepted(accepted);
    }

    /**
     * What every accepted token satisfies, however it was validated (issue 15): its registered
     * claims have their JSON types (RFC 7519 §4.1, RFC 8693 §4), its {@code exp} is in the future of
     * {@link #NOW} and before year 10000 (a NumericDate beyond that range is invalid), and it is an
     * access token, not a refresh token (RFC 6749 §1.5).
     */
    static void assertAccepted(ValidatedToken accepted) {
        java.util.Map<String, Object> claims = accepted.claims();
        for (String name : java.util.List.of("sub", "client_id", "azp", "cid", "scope", "iss")) {
            assertThat(claims.get(name)).as(name).satisfiesAnyOf(v -> assertThat(v).isNull(),
                    v -> assertThat(v).isInstanceOf(String.class));
        }
        for (String name : java.util.List.of("act", "cnf")) {
            assertThat(claims.get(name)).as(name).satisfiesAnyOf(v -> assertThat(v).isNull(),
                    v -> assertThat(v).isInstanceOf(java.util.Map.class));
        }
        assertThat(claims.get("token_type")).as("token_type").isNotIn("refresh_token",
                "urn:ietf:params:oauth:token-type:refresh_token");
        assertThat(claims.get("token_use")).as("token_use").isNotEqualTo("refresh_token");
        if (accepted.expiresAt() != null) {
            assertThat(accepted.expiresAt()).isAfter(NOW.minusSeconds(60)).isBefore(Instant.parse("9999-12-31T23:59:59Z"));
        }
    }
}
