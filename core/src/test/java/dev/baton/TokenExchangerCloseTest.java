package dev.baton;

import static dev.baton.ExchangeFixtures.SECRET;
import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.awaitQuietly;
import static dev.baton.ExchangeFixtures.awaitTrue;
import static dev.baton.ExchangeFixtures.T0;
import static dev.baton.ExchangeFixtures.issued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.MutableClock;
import dev.baton.testkit.RecordingAuditListener;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/** {@code close()}: idempotent, releases what the exchanger owns and nothing else, ends pending work. */
class TokenExchangerCloseTest extends HeldResponsesTestSupport {
    /** A token endpoint that holds every answer after the first {@code free} until the test releases it. */
    private TestAuthorizationServer heldTokenEndpoint(int free, AtomicInteger requests) {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        as.route("/v1/token", r -> {
            int n = requests.incrementAndGet();
            if (n > free) {
                awaitQuietly(release);
            }
            return issued("token-" + n, 300);
        });
        return as;
    }

    private static TokenExchanger.Builder exchanger(TestAuthorizationServer as) {
        return TokenExchanger.builder().tokenEndpoint(as.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .auditListener(AuditListener.none());
    }

    @Test
    void closingTwiceHasNoFurtherEffect() {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build();
        exchanger.close();

        assertThatNoException().isThrownBy(exchanger::close);
    }

    @Test
    void everyExchangeCallAfterCloseThrowsIllegalStateException() {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build();
        exchanger.close();
        ExchangeRequest request = ExchangeFixtures.request(SUBJECT_TOKEN);

        assertThatThrownBy(() -> exchanger.exchange(request))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> exchanger.exchange(request, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> exchanger.exchangeAsync(request))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> exchanger.invalidate(request))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void cacheStatsStayReadableAfterClose() throws Exception {
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        exchanger.close();

        assertThat(exchanger.cacheStats()).isEqualTo(new ExchangeCacheStats(0, 1, 1, 0, 0));
    }

    @Test
    void aSuppliedHttpClientStillWorksAfterTheExchangerIsClosed() throws Exception {
        server.enqueue(issued("backend-token", 300));
        server.enqueue(new MockResponse.Builder().code(200).body("still open").build());
        HttpClient mine = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).httpClient(mine).build();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        exchanger.close();
        HttpResponse<String> after = mine.send(HttpRequest.newBuilder(server.url("/other").uri()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo("still open");
    }

    @Test
    void closeFailsAnExchangeStillWaitingForTheTokenEndpoint() {
        AtomicInteger requests = new AtomicInteger();
        TokenExchanger exchanger = exchanger(heldTokenEndpoint(0, requests)).deadline(Duration.ofSeconds(30)).build();
        CompletableFuture<ExchangedToken> waiting = exchanger.exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN));

        exchanger.close();

        assertThat(waiting).failsWithin(Duration.ofSeconds(1))
                .withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(TokenExchangeException.class).withMessageContaining("closed");
    }

    @Test
    void closeCancelsARefreshAheadInFlight() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        RecordingAuditListener audit = new RecordingAuditListener();
        MutableClock clock = new MutableClock(T0);
        TokenExchanger exchanger = exchanger(heldTokenEndpoint(1, requests)).clock(clock).refreshAhead(0.5)
                .auditListener(audit).build();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        clock.advance(Duration.ofSeconds(140));
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        awaitTrue(() -> requests.get() == 2);

        exchanger.close();

        // The refresh ended with the close: counted as a failed exchange, never audited nor cached.
        assertThat(exchanger.cacheStats().loadFailures()).isEqualTo(1);
        assertThat(audit.exchanges()).extracting(ExchangeEvent::source)
                .containsExactly(ExchangeEvent.Source.TOKEN_ENDPOINT, ExchangeEvent.Source.CACHE);
    }

    /**
     * Baton's timer threads run while a validator or exchanger holds them: once every one is closed,
     * none is left (an application redeployed in a servlet container must not leak threads). Other
     * tests in this JVM leave theirs open, so this runs in a JVM of its own: {@link Probe}.
     */
    @Test
    void noBatonThreadRemainsOnceEveryValidatorAndExchangerIsClosed() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process probe = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Probe.class.getName())
                .redirectErrorStream(true).start();
        boolean ended = probe.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            probe.destroyForcibly();
        }
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(ended).as("probe ended").isTrue();
        assertThat(output).contains("baton threads left: []");
        assertThat(probe.exitValue()).as(output).isZero();
    }

    /**
     * Builds a validator and an exchanger that discovers its token endpoint, uses both (discovery,
     * JWKS, token endpoint: every path that starts Baton's threads), closes both, then polls (for
     * at most 10 s) until no thread named {@code baton-...} is left. Exits 0 when none is.
     */
    static final class Probe {
        public static void main(String[] args) throws Exception {
            try (MockWebServer server = new MockWebServer()) {
                server.start();
                TestAuthorizationServer as = new TestAuthorizationServer(server);
                as.route("/v1/token", r -> issued("backend-token", 300));
                TokenValidator validator = TokenValidator.builder().issuer(as.issuer()).audience("mcpserver")
                        .auditListener(AuditListener.none()).build();
                TokenExchanger exchanger = TokenExchanger.builder().issuer(as.issuer())
                        .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                        .refreshAhead(0.5).auditListener(AuditListener.none()).build();
                ValidatedToken user = validator.validate(as.token().subject("alice").audience("mcpserver").sign());
                exchanger.exchange(ExchangeRequest.builder().subjectToken(user).audience("backend").build());
                validator.close();
                exchanger.close();
            }
            // Wait for each of Baton's threads to end (an idle pool thread may take a moment), at most 10 s in all.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (Thread t : batonThreads()) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            }
            List<String> left = batonThreads().stream().map(Thread::getName).sorted().toList();
            System.out.println("baton threads left: " + left);
            System.exit(left.isEmpty() ? 0 : 1);
        }

        private static List<Thread> batonThreads() {
            return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .filter(t -> t.getName().startsWith("baton-")).toList();
        }
    }
}
