package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.testkit.JwtBuilder;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.RecordingAuditListener;
import dev.baton.testkit.TestAuthorizationServer;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;

/** Shared set-up: a test authorization server, a hand-moved clock and a recording audit listener. */
abstract class ValidatorTestSupport {
    static final String AUDIENCE = "mcpserver";
    static final String SCOPE = "mcp:tools:call";

    @StartStop
    final MockWebServer server = new MockWebServer();
    final TestAuthorizationServer as = new TestAuthorizationServer(server);
    final MutableClock clock = MutableClock.startingNow();
    final RecordingAuditListener audit = new RecordingAuditListener();

    ValidatorTestSupport() {
        as.clock(clock);
    }

    TokenValidator.Builder builder() {
        return TokenValidator.builder().issuer(as.issuer()).audience(AUDIENCE).clock(clock).auditListener(audit);
    }

    TokenValidator validator() {
        return builder().requiredScopes(SCOPE).build();
    }

    /** A good token: subject alice, audience mcpserver, scope mcp:tools:call, 5 minutes of life. */
    JwtBuilder token() {
        return as.token().subject("alice").audience(AUDIENCE).scope(SCOPE);
    }

    /**
     * Asserts that {@code token} is rejected with {@code expected}, that exactly one rejection event
     * was emitted, and that neither the exception nor the event shows the token.
     */
    TokenValidationException assertRejected(TokenValidator v, String token, BearerError expected) {
        int before = audit.validations().size();
        Throwable t = catchThrowable(() -> v.validate(token));
        assertThat(t).isInstanceOf(TokenValidationException.class);
        TokenValidationException e = (TokenValidationException) t;
        assertThat(e.error()).isEqualTo(expected);
        assertThat(audit.validations()).hasSize(before + 1);
        ValidationEvent event = audit.lastValidation();
        assertThat(event.accepted()).isFalse();
        assertThat(event.error()).isEqualTo(expected);
        if (token != null && token.length() > 8) {
            assertThat(e.getMessage()).doesNotContain(token);
            assertThat(e.toString()).doesNotContain(token);
            assertThat(event.toString()).doesNotContain(token);
        }
        return e;
    }

    /** Asserts rejection with {@link BearerError#INVALID_TOKEN} by a token problem, not an outage. */
    TokenValidationException assertInvalid(TokenValidator v, String token) {
        TokenValidationException e = assertRejected(v, token, BearerError.INVALID_TOKEN);
        assertThat(e.isServiceUnavailable()).isFalse();
        return e;
    }
}
