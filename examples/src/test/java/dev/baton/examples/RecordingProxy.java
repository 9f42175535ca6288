package dev.baton.examples;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.ValidatedToken;
import dev.baton.testkit.IssuedSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback HTTP proxy in front of the GraphQL backend that records the (DPoP or Bearer) token of every
 * request it forwards: its {@code sub}, its {@code aud} (decoded, not verified: the backend verifies)
 * and its {@link ValidatedToken#fingerprintOf fingerprint}, so a test can tell whether it was a
 * user's own token without keeping the token. Optionally it holds the first request of each of a set of users until all of them have
 * arrived, which proves their calls overlapped.
 */
final class RecordingProxy implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final int MAX_BODY = 1 << 20;

    /**
     * One forwarded request: the token's subject and audiences, the token's fingerprint, the
     * {@code Authorization} scheme and how many {@code DPoP} proofs came with it.
     */
    record Forwarded(String subject, List<String> audience, String tokenFingerprint, String scheme, int proofs) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private volatile URI target;
    private final List<Forwarded> forwarded = new CopyOnWriteArrayList<>();
    private final Set<String> arrived = ConcurrentHashMap.newKeySet();
    private volatile Set<String> together = Set.of();
    private volatile CountDownLatch allArrived = new CountDownLatch(0);
    private final AtomicBoolean gateTimedOut = new AtomicBoolean();

    private RecordingProxy() throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::forward);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a proxy on 127.0.0.1 and an ephemeral port that forwards every request to {@code target}. */
    static RecordingProxy start(String target) throws IOException {
        return listen().forwardTo(target);
    }

    /**
     * Starts a proxy that forwards nowhere until {@link #forwardTo}: its {@link #url()} is known
     * first, for a backend that must know the URL its clients address (a DPoP proof's {@code htu}).
     */
    static RecordingProxy listen() throws IOException {
        return new RecordingProxy();
    }

    /** Forwards every later request to {@code target}; returns this proxy. */
    RecordingProxy forwardTo(String target) {
        this.target = URI.create(target);
        return this;
    }

    /** The URL to send GraphQL requests to. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/graphql";
    }

    /**
     * Holds the first request of each of {@code subjects} until the first requests of all of them
     * have arrived (at most 15 seconds). Call before any of them sends a request.
     */
    void holdFirstRequestsUntilAllOf(Set<String> subjects) {
        together = Set.copyOf(subjects);
        allArrived = new CountDownLatch(subjects.size());
    }

    /** Whether every held request was released because all subjects arrived (not by the time bound). */
    boolean firstRequestsOverlapped() {
        return allArrived.getCount() == 0 && !gateTimedOut.get();
    }

    /** Every request forwarded so far, in arrival order. */
    List<Forwarded> forwarded() {
        return List.copyOf(forwarded);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY);
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            // The exchanged token and each DPoP proof are credentials: the test kit's log check must
            // know them (docs/security.md cases 34 and 54).
            if (authorization != null && authorization.indexOf(' ') > 0) {
                IssuedSecrets.rememberToken(authorization.substring(authorization.indexOf(' ') + 1).trim());
            }
            exchange.getRequestHeaders().getOrDefault("DPoP", List.of()).forEach(IssuedSecrets::rememberToken);
            String subject = record(authorization, exchange.getRequestHeaders().getOrDefault("DPoP", List.of()).size());
            if (subject != null && together.contains(subject) && arrived.add(subject)) {
                allArrived.countDown();
                try {
                    if (!allArrived.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        gateTimedOut.set(true);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .timeout(TIMEOUT)
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : List.of("Authorization", "DPoP", "Content-Type", "Accept", "Apollo-Require-Preflight")) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            for (String name : List.of("Content-Type", "WWW-Authenticate", "DPoP-Nonce")) {
                response.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().set(name, v));
            }
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    /** Records the request's token; returns its subject, or null when there is no readable JWT. */
    private String record(String authorization, int proofs) {
        int space = authorization == null ? -1 : authorization.indexOf(' ');
        String scheme = space < 0 ? "" : authorization.substring(0, space);
        if (!scheme.equalsIgnoreCase("Bearer") && !scheme.equalsIgnoreCase("DPoP")) {
            forwarded.add(new Forwarded(null, List.of(), null, scheme, proofs));
            return null;
        }
        String token = authorization.substring(space + 1).trim();
        try {
            JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
            List<String> audience = claims.getAudience() == null ? List.of() : List.copyOf(claims.getAudience());
            forwarded.add(new Forwarded(claims.getSubject(), audience, ValidatedToken.fingerprintOf(token), scheme,
                    proofs));
            return claims.getSubject();
        } catch (ParseException e) {
            forwarded.add(new Forwarded(null, List.of(), ValidatedToken.fingerprintOf(token), scheme, proofs));
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
