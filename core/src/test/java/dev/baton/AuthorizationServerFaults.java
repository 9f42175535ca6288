package dev.baton;

import dev.baton.testkit.FaultServer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;

/**
 * The faults {@link AuthorizationServerFaultsTest} injects at a JWKS, introspection or token
 * endpoint (docs/security.md cases 16, 19-22, 26, 27), and what the token endpoint's failure must
 * look like for each: the HTTP status it reports, whether a retry could help, and how many requests
 * the configured three attempts may make.
 */
final class AuthorizationServerFaults {
    /** The configured attempts of the exchanger under test. */
    static final int MAX_ATTEMPTS = 3;
    /** The exchanger's deadline; long enough for two one-second Retry-After waits. */
    static final Duration EXCHANGE_DEADLINE = Duration.ofSeconds(5);

    /**
     * One fault.
     *
     * @param name what the server does
     * @param fault the server's behaviour, given a second server a redirect may point to ({@code null}: nothing listens)
     * @param status the {@link TokenExchangeException#httpStatus()} expected from the token endpoint
     * @param retryable the {@link TokenExchangeException#isRetryable()} expected
     * @param attempts the requests the token endpoint receives with {@link #MAX_ATTEMPTS} attempts
     * @param deadline the exchange deadline for this fault
     */
    record Fault(String name, Function<FaultServer, FaultServer.Fault> fault, int status, boolean retryable,
            int attempts, Duration deadline) {
        boolean refused() {
            return fault == null;
        }

        /**
         * The requests one JWKS fetch (a GET) makes: none when refused, and two for a connection
         * reset before any answer, since the JDK client itself retries an idempotent request once
         * then; one otherwise.
         */
        int getRequests() {
            return refused() ? 0 : name.equals(RESET_BEFORE_RESPONSE) ? 2 : 1;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String RESET_BEFORE_RESPONSE = "reset before the response";

    private AuthorizationServerFaults() {
    }

    private static Fault fault(String name, FaultServer.Fault fault, int status, boolean retryable, int attempts) {
        return new Fault(name, elsewhere -> fault, status, retryable, attempts, EXCHANGE_DEADLINE);
    }

    private static Fault redirect(int status) {
        return new Fault(status + " redirect to another server", elsewhere -> FaultServer.respond(status, null, "",
                "Location: " + elsewhere.url("/steal")), status, false, 1, EXCHANGE_DEADLINE);
    }

    private static String inOneSecond() {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(1));
    }

    static List<Fault> all() {
        String json = "application/json";
        return List.of(
                new Fault("connection refused", null, 0, true, 0, EXCHANGE_DEADLINE),
                fault(RESET_BEFORE_RESPONSE, FaultServer.resetBeforeResponse(), 0, true, MAX_ATTEMPTS),
                fault("reset during the body", FaultServer.resetDuringBody(), 0, true, MAX_ATTEMPTS),
                new Fault("body trickled one byte per 20 ms", elsewhere -> FaultServer.trickle(), 0, true, 1,
                        Duration.ofSeconds(1)),
                fault("500", FaultServer.respond(500, json, "{\"error\":\"server_error\"}"), 500, true, MAX_ATTEMPTS),
                fault("502 with an HTML body", FaultServer.respond(502, "text/html", "<html>bad gateway</html>"), 502,
                        true, MAX_ATTEMPTS),
                fault("503 with Retry-After 1", FaultServer.respond(503, json, "{}", "Retry-After: 1"), 503, true,
                        MAX_ATTEMPTS),
                fault("429 with Retry-After 1", FaultServer.respond(429, json, "{}", "Retry-After: 1"), 429, true,
                        MAX_ATTEMPTS),
                new Fault("429 with Retry-After as an HTTP date", elsewhere -> FaultServer.respond(429, json, "{}",
                        "Retry-After: " + inOneSecond()), 429, true, MAX_ATTEMPTS, EXCHANGE_DEADLINE),
                fault("429 with a malformed Retry-After", FaultServer.respond(429, json, "{}", "Retry-After: soon-ish"),
                        429, true, MAX_ATTEMPTS),
                fault("429 with a Retry-After past the deadline", FaultServer.respond(429, json, "{}",
                        "Retry-After: 86400"), 429, true, 1),
                redirect(302), redirect(307), redirect(308),
                fault("10 MiB body declared by Content-Length", FaultServer.huge(10, false), 0, false, 1),
                fault("10 MiB chunked body", FaultServer.huge(10, true), 0, false, 1),
                fault("200 with malformed JSON", FaultServer.respond(200, json, "{\"access_token\": "), 200, false, 1),
                fault("200 with an HTML login page", FaultServer.respond(200, "text/html", "<html>sign in</html>"), 200,
                        false, 1),
                fault("200 with an empty body", FaultServer.respond(200, json, ""), 200, false, 1));
    }
}
