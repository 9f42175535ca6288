package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.AuthorizationServerFaults.Fault;
import dev.baton.testkit.FaultServer;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault of {@link AuthorizationServerFaults} at the JWKS, the introspection and the token
 * endpoint, on a real loopback server ({@link FaultServer}). For each: the typed outcome, the
 * deadline held (measured, with a generous margin for a loaded machine), the attempts bounded as
 * configured (counted at the server), no fallback to the incoming token, and afterwards no
 * connection left open and no thread left running. The OAuth error responses (case 18) are
 * {@link TokenExchangerFailureTest}'s.
 */
class AuthorizationServerFaultsTest {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(1);
    /** Scheduling on a busy 2-core machine, not Baton: the deadlines themselves are what is tested. */
    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final String OPAQUE_TOKEN = IssuedSecrets.remember("opaque-token-of-the-fault-suite-0001");
    private static final String CLIENT_SECRET = IssuedSecrets.remember("fault-suite-client-secret");

    private static MockWebServer idp;
    private static TestAuthorizationServer as;
    private static Set<Thread> threadsBeforeAll;

    @BeforeAll
    static void startIssuer() throws IOException {
        threadsBeforeAll = new HashSet<>(Thread.getAllStackTraces().keySet());
        idp = new MockWebServer();
        idp.start();
        as = new TestAuthorizationServer(idp);
    }

    /**
     * Every thread the cases started has ended: on Java 17 a closed validator's or exchanger's JDK
     * client stops its selector thread once the client is collected and its selector wakes (up to
     * 3 s), so this is checked once for all cases rather than after each.
     */
    @AfterAll
    static void stopIssuerAndAwaitEveryThread() throws IOException {
        idp.close();
        awaitUntil("threads ended", () -> newThreads(threadsBeforeAll, false).isEmpty(),
                () -> "still running: " + newThreads(threadsBeforeAll, false));
    }

    static List<Fault> faults() {
        return AuthorizationServerFaults.all();
    }

    @ParameterizedTest(name = "JWKS: {0}")
    @MethodSource("faults")
    void jwksFaultIsServiceUnavailableWithinTheTimeoutAndOneFetch(Fault fault) throws Exception {
        String token = as.token().subject("alice").audience("mcpserver").sign();
        runAndSettle(fault, (server, elsewhere) -> {
            try (TokenValidator validator = TokenValidator.builder().issuer(as.issuer()).audience("mcpserver")
                    .jwksUri(server.url("/keys")).httpTimeout(HTTP_TIMEOUT).auditListener(AuditListener.none()).build()) {
                assertUnavailable(validator, token);
                // The next validation within the re-fetch interval makes no request.
                assertUnavailable(validator, token);
            }
            assertThat(server.requests()).as("JWKS requests").isEqualTo(fault.getRequests());
        });
    }

    @ParameterizedTest(name = "introspection: {0}")
    @MethodSource("faults")
    void introspectionFaultIsServiceUnavailableWithinTheTimeoutAndOneRequest(Fault fault) throws Exception {
        runAndSettle(fault, (server, elsewhere) -> {
            try (TokenValidator validator = TokenValidator.builder().issuer(as.issuer()).audience("mcpserver")
                    .jwksUri(as.jwksUri()).httpTimeout(HTTP_TIMEOUT).auditListener(AuditListener.none())
                    .introspection(server.url("/introspect"), ClientAuthentication.clientSecretBasic("rs", CLIENT_SECRET))
                    .build()) {
                assertUnavailable(validator, OPAQUE_TOKEN);
            }
            assertThat(server.requests()).as("introspection requests").isEqualTo(fault.refused() ? 0 : 1);
        });
    }

    @ParameterizedTest(name = "token endpoint: {0}")
    @MethodSource("faults")
    void tokenEndpointFaultIsTypedWithinTheDeadlineAndTheConfiguredAttempts(Fault fault) throws Exception {
        runAndSettle(fault, (server, elsewhere) -> {
            long start;
            Throwable thrown;
            try (TokenExchanger exchanger = TokenExchanger.builder().tokenEndpoint(server.url("/token"))
                    .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", CLIENT_SECRET))
                    .maxAttempts(AuthorizationServerFaults.MAX_ATTEMPTS).retryBackoff(Duration.ofMillis(10))
                    .deadline(fault.deadline()).auditListener(AuditListener.none()).build()) {
                start = System.nanoTime();
                thrown = catchThrowable(() -> exchanger.exchange(ExchangeRequest.builder()
                        .subjectToken(OPAQUE_TOKEN, TokenType.ACCESS_TOKEN).audience("backend").build()));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // Never a token, least of all the incoming one: a typed failure.
            assertThat(thrown).isInstanceOfSatisfying(TokenExchangeException.class, e -> {
                assertThat(e.httpStatus()).as("status").isEqualTo(fault.status());
                assertThat(e.isRetryable()).as("retryable").isEqualTo(fault.retryable());
                assertThat(e.getMessage()).doesNotContain(OPAQUE_TOKEN).doesNotContain(CLIENT_SECRET);
            });
            assertThat(took).as("time to fail").isLessThan(fault.deadline().plus(MARGIN));
            assertThat(server.requests()).as("token endpoint requests").isEqualTo(fault.attempts());
        });
    }

    private static void assertUnavailable(TokenValidator validator, String token) {
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> validator.validate(token));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(thrown).isInstanceOfSatisfying(TokenValidationException.class, e -> {
            assertThat(e.error()).isEqualTo(BearerError.INVALID_TOKEN);
            assertThat(e.isServiceUnavailable()).as("service unavailable").isTrue();
            assertThat(e.getMessage()).doesNotContain(token);
        });
        assertThat(took).as("time to fail").isLessThan(HTTP_TIMEOUT.plus(MARGIN));
    }

    /** What a case does with the faulty server and the server a redirect points to. */
    @FunctionalInterface
    interface FaultRun {
        void run(FaultServer server, FaultServer elsewhere) throws Exception;
    }

    /**
     * Runs {@code run} against a server with {@code fault}, then checks that nothing it started is
     * left: the server sees no open connection, the redirect target got no request, and Baton's own
     * threads (its timer and async pool, the fault servers') have ended.
     */
    private static void runAndSettle(Fault fault, FaultRun run) throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (FaultServer elsewhere = new FaultServer(FaultServer.respond(200, "application/json",
                "{\"access_token\":\"stolen-by-a-redirect\",\"token_type\":\"Bearer\","
                        + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"}"));
                FaultServer server = fault.refused() ? closedServer()
                        : new FaultServer(fault.fault().apply(elsewhere))) {
            run.run(server, elsewhere);
            assertThat(elsewhere.requests()).as("requests that followed a redirect").isZero();
            awaitUntil("connections closed", () -> server.openConnections() == 0,
                    () -> server.openConnections() + " open");
        }
        awaitUntil("Baton's threads ended", () -> newThreads(before, true).isEmpty(),
                () -> "still running: " + newThreads(before, true));
    }

    /** A server already closed: its port refuses connections (closing it again does nothing). */
    private static FaultServer closedServer() throws IOException {
        FaultServer server = new FaultServer(FaultServer.respond(500, null, ""));
        server.close();
        return server;
    }

    /**
     * The threads started since {@code before} that still run, leaving out the JDK client's idle
     * workers (its default pool ends them itself after 60 s), Baton's idle {@code baton-http-N}
     * senders (pooled: one waiting for its next call holds nothing and ends by itself after 3 s; one
     * still sending is counted) and, when {@code batonOnly}, every JDK client thread (see
     * {@link #stopIssuerAndAwaitEveryThread()}).
     */
    private static Set<String> newThreads(Set<Thread> before, boolean batonOnly) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().isAlive() && !before.contains(e.getKey()))
                .filter(e -> !(e.getKey().getName().startsWith("baton-http-") && waitsForWork(e.getValue())))
                .map(e -> e.getKey().getName())
                .filter(n -> !(n.startsWith("HttpClient-") && (batonOnly || n.contains("-Worker-"))))
                .collect(Collectors.toSet());
    }

    /** Whether a pooled thread's stack shows it idle in its pool, waiting for a task. */
    private static boolean waitsForWork(StackTraceElement[] stack) {
        return Arrays.stream(stack).anyMatch(f -> f.getClassName().equals("java.util.concurrent.ThreadPoolExecutor")
                && f.getMethodName().equals("getTask"));
    }

    /**
     * Polls {@code condition} every 100 ms, collecting garbage every half second (an unreachable JDK
     * client's selector thread only ends once the client is collected), for at most {@link #SETTLE}.
     */
    private static void awaitUntil(String what, java.util.function.BooleanSupplier condition,
            java.util.function.Supplier<String> state) {
        long end = System.nanoTime() + SETTLE.toNanos();
        for (int round = 0; !condition.getAsBoolean(); round++) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + ": not within " + SETTLE.toSeconds() + " s, " + state.get());
            }
            if (round % 5 == 4) {
                System.gc();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
