package dev.baton.redis.testkit;

import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * The authorization server a test fleet shares: the test kit's {@link TestAuthorizationServer} on
 * loopback, whose token endpoint issues each user a token of their own ({@link #tokenPrefixOf} the
 * subject token, then a serial number) and counts the calls per user. A test may hold the answers
 * for some users (a replica that dies mid-exchange); {@link #close()} releases them.
 */
public final class FleetAuthorizationServer implements AutoCloseable {
    private final MockWebServer server = new MockWebServer();
    private final TestAuthorizationServer as;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger serial = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> callsPerUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, java.util.List<Long>> arrivals = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Predicate<String> held = s -> false;
    private volatile int expiresIn = 300;
    private volatile CountDownLatch firstHeld = new CountDownLatch(1);

    /** Starts it on loopback. */
    public FleetAuthorizationServer() {
        try {
            server.start(java.net.InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        as = new TestAuthorizationServer(server);
        as.route("/v1/token", this::token);
    }

    /** The token endpoint URL. */
    public String tokenEndpoint() {
        return as.tokenEndpoint();
    }

    /** Token endpoint calls so far. */
    public int calls() {
        return calls.get();
    }

    /** The users with more than one call, and when each call arrived (for a failure message). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        arrivals.forEach((user, times) -> {
            if (times.size() > 1) {
                b.append(user.substring(0, Math.min(8, user.length()))).append(" at ").append(times).append("; ");
            }
        });
        return b.toString();
    }

    /** Token endpoint calls so far for {@code subjectToken}. */
    public int callsFor(String subjectToken) {
        AtomicInteger c = callsPerUser.get(subjectToken);
        return c == null ? 0 : c.get();
    }

    /** The {@code expires_in} of the tokens issued from now on. */
    public void expiresIn(int seconds) {
        this.expiresIn = seconds;
    }

    /**
     * Holds the answer to the first call for a subject token matching {@code which} until
     * {@link #close()} (later calls are answered).
     */
    public void holdFirstCallFor(Predicate<String> which) {
        this.firstHeld = new CountDownLatch(1);
        this.held = which;
    }

    /** Waits (at most 30 s) until a call is held. */
    public boolean awaitHeld() throws InterruptedException {
        return firstHeld.await(30, TimeUnit.SECONDS);
    }

    /** The prefix of every token issued for {@code subjectToken}: a function of the user's token alone. */
    public static String tokenPrefixOf(String subjectToken) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(subjectToken.getBytes(StandardCharsets.UTF_8));
            return "at-" + Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 20).replace('-', 'x')
                    .replace('_', 'y') + "-";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private MockResponse token(RecordedRequest request) {
        String subject = formParameter(request.getBody().string(StandardCharsets.UTF_8), "subject_token");
        calls.incrementAndGet();
        int n = callsPerUser.computeIfAbsent(subject, k -> new AtomicInteger()).incrementAndGet();
        arrivals.computeIfAbsent(subject, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(System.nanoTime() / 1_000_000 % 100_000);
        if (n == 1 && held.test(subject)) {
            firstHeld.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String accessToken = IssuedSecrets.remember(tokenPrefixOf(subject) + serial.incrementAndGet()
                + "-padding-so-it-is-long-enough");
        // RFC 9449 §5: a request with a DPoP proof gets a DPoP-bound token (this server checks no proof).
        String tokenType = request.getHeaders().get("DPoP") != null ? "DPoP" : "Bearer";
        return TestAuthorizationServer.json("{\"access_token\":\"" + accessToken + "\",\"token_type\":\"" + tokenType
                + "\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"expires_in\":"
                + expiresIn + ",\"scope\":\"backend-api:read\"}");
    }

    private static String formParameter(String body, String name) {
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    @Override
    public void close() {
        release.countDown();
        server.close();
    }
}
