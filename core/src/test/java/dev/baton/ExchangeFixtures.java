package dev.baton;

import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.baton.testkit.IssuedSecrets;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

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

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Records every audit event. */
    static final class RecordingAudit implements AuditListener {
        final List<ExchangeEvent> exchanges = new CopyOnWriteArrayList<>();

        @Override
        public void onExchange(ExchangeEvent event) {
            exchanges.add(event);
        }
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
}
