package dev.baton;

import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.baton.testkit.IssuedSecrets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.assertj.core.api.Assertions;

/** Shared helpers for the token exchange tests. */
final class ExchangeFixtures {
    static final String SECRET = "s3cr3t-client-password";
    static final String SUBJECT_TOKEN = "subject-token-value-that-must-never-leak-0123456789";
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    static {
        // No log line of the run may show them (docs/security.md case 34).
        IssuedSecrets.remember(SECRET);
        IssuedSecrets.remember(SUBJECT_TOKEN);
    }

    private ExchangeFixtures() {
    }

    /** A successful RFC 8693 §2.2.1 response. */
    static MockResponse issued(String accessToken, long expiresIn) {
        return json(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"expires_in\":"
                + expiresIn + "}");
    }

    static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
                .body(body).build();
    }

    static TokenExchanger.Builder exchanger(MockWebServer server) {
        return TokenExchanger.builder()
                .tokenEndpoint(server.url("/token").uri())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .retryBackoff(Duration.ofMillis(1))
                .auditListener(AuditListener.none());
    }

    static ExchangeRequest request(String subjectToken) {
        return ExchangeRequest.builder().subjectToken(subjectToken, TokenType.ACCESS_TOKEN)
                .audience("backend").scopes("backend-api:read").build();
    }

    /** The form parameters of a recorded request. */
    static Map<String, List<String>> form(RecordedRequest request) {
        return URLUtils.parseParameters(request.getBody().string(StandardCharsets.UTF_8));
    }

    /** A JWS-shaped token with the given claims (the signature is not valid; only the AS would check it). */
    static String unsignedJws(String claimsJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("not-a-real-signature".getBytes(StandardCharsets.UTF_8));
    }

    /** Waits (at most 10 s) for {@code latch}; for a test server's handler holding a response. */
    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls (at most 10 s) until {@code condition} holds; fails the test otherwise. */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            Assertions.assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(end);
            Thread.sleep(5);
        }
    }
}
