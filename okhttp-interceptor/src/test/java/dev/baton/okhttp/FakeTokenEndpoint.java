package dev.baton.okhttp;

import dev.baton.testkit.CredentialsSeen;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A token endpoint for tests: answers every RFC 8693 exchange of subject token {@code subject-<user>}
 * with the Bearer (or, in mode DPOP, DPoP) token {@code exchanged-<user>-<n>}, where n counts the exchanges; or with a fixed
 * access token, or whatever failure the test selected; and, when told to, holds each answer back
 * until the test releases it.
 */
final class FakeTokenEndpoint extends Dispatcher {
    enum Mode { OK, INVALID_GRANT, NOT_BEARER, DPOP }

    private final AtomicInteger issued = new AtomicInteger();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.OK;
    private volatile String fixedToken;
    private volatile CountDownLatch release;
    private final CountDownLatch arrived = new CountDownLatch(1);

    FakeTokenEndpoint mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    /** Answers every exchange with this access token instead of {@code exchanged-<user>-<n>}. */
    FakeTokenEndpoint issuing(String accessToken) {
        this.fixedToken = accessToken;
        return this;
    }

    /** Holds every answer back until {@code release} opens (at most 20 s). */
    FakeTokenEndpoint holdUntil(CountDownLatch release) {
        this.release = release;
        return this;
    }

    /** Waits until the first exchange reached this endpoint. */
    boolean awaitFirstExchange() throws InterruptedException {
        return arrived.await(10, TimeUnit.SECONDS);
    }

    int exchanges() {
        return requests.size();
    }

    List<Map<String, String>> requests() {
        return requests;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        MockResponse response = answer(request);
        // No log line of the run may show the client secret or a token (docs/security.md case 34).
        CredentialsSeen.remember(request, response);
        return response;
    }

    private MockResponse answer(RecordedRequest request) throws InterruptedException {
        Map<String, String> form = form(request.getBody() == null ? "" : request.getBody().utf8());
        requests.add(form);
        arrived.countDown();
        CountDownLatch gate = release;
        if (gate != null) {
            gate.await(20, TimeUnit.SECONDS);
        }
        String subject = form.getOrDefault("subject_token", "");
        if (mode == Mode.INVALID_GRANT || !subject.startsWith("subject-")) {
            return json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"subject token rejected\"}");
        }
        String token = fixedToken != null ? fixedToken
                : "exchanged-" + subject.substring("subject-".length()) + "-" + issued.incrementAndGet();
        String type = mode == Mode.NOT_BEARER ? "N_A" : mode == Mode.DPOP ? "DPoP" : "Bearer";
        return json(200, "{\"access_token\":\"" + jsonEscaped(token) + "\",\"issued_token_type\":"
                + "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"" + type
                + "\",\"expires_in\":300}");
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
                .setHeader("Cache-Control", "no-store").body(body).build();
    }

    private static String jsonEscaped(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.merge(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8), (a, b) -> a + " " + b);
            }
        }
        return form;
    }
}
