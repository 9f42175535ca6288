package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import dev.baton.testkit.JwtBuilder;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockWebServer;

/**
 * Shared set-up: a loopback authorization server from the core test kit, the tokens it signs, and
 * an exchanger pointed at its token endpoint. Every network call happens here, before measurement;
 * each benchmark checks in its tear-down that the server saw no request after set-up.
 */
final class Fixtures {
    /** The audience the MCP server (the validator) expects. */
    static final String AUDIENCE = "mcpserver";
    /** The audience the exchanged token is requested for. */
    static final String BACKEND = "backend";

    private Fixtures() {
    }

    /** A started MockWebServer bound to the loopback address only. */
    static MockWebServer loopbackServer() throws IOException {
        MockWebServer server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    /** A typical RS256 access token for {@code subject}: {@code typ at+jwt}, a scope, valid for two hours. */
    static JwtBuilder accessToken(TestAuthorizationServer as, String subject) {
        return as.token().subject(subject).audience(AUDIENCE).scope("mcp:tools:call").clientId("mcp-client")
                .expiresIn(Duration.ofHours(2));
    }

    /** The signed token of {@code builder} as the validator would have returned it. */
    static ValidatedToken validated(JwtBuilder builder) {
        Map<String, Object> claims = builder.claims();
        return ValidatedToken.of(builder.sign(), claims);
    }

    /** An RFC 8693 §2.2.1 success response with {@code accessToken}, valid for an hour. */
    static String tokenResponse(String accessToken) {
        return "{\"access_token\":\"" + accessToken + "\",\"issued_token_type\":"
                + "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\","
                + "\"expires_in\":3600,\"scope\":\"orders:read\"}";
    }

    /**
     * An exchanger with the default cache, pointed at the test kit's token endpoint. Its deadline is
     * 30 s instead of 5: it reaches MockWebServer only in set-up, which on a loaded machine can
     * take seconds, and a set-up that gives up early measures nothing.
     */
    static TokenExchanger exchanger(TestAuthorizationServer as, AuditListener audit) {
        return TokenExchanger.builder()
                .tokenEndpoint(as.tokenEndpoint())
                .deadline(Duration.ofSeconds(30))
                .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "benchmark-secret"))
                .auditListener(audit)
                .build();
    }

    /** Fails the run when the loopback server saw requests after set-up. */
    static void requireNoRequestsSince(TestAuthorizationServer as, int afterSetUp, String benchmark) {
        int now = as.totalRequests();
        if (now != afterSetUp) {
            throw new IllegalStateException(benchmark + ": " + (now - afterSetUp)
                    + " request(s) reached the loopback server during measurement");
        }
    }
}
