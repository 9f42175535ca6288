package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A validator built by Baton owns its HTTP client (unless the application supplied one) and a lease
 * on Baton's timer threads; {@link TokenValidator#close()} releases both, once, and ends its use.
 */
class TokenValidatorCloseTest extends ValidatorTestSupport {
    @StartStop
    private final MockWebServer otherServer = new MockWebServer();
    private final TestAuthorizationServer other = new TestAuthorizationServer(otherServer, "/tenant-b");

    @Test
    void closingTwiceHasNoFurtherEffect() {
        TokenValidator v = validator();
        v.close();

        assertThatNoException().isThrownBy(v::close);
        assertThatThrownBy(() -> v.validate(token().sign())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void validatingAfterCloseIsAProgrammingErrorNotARejection() throws Exception {
        TokenValidator v = validator();
        v.validate(token().sign());
        v.close();

        assertThatThrownBy(() -> v.validate(token().sign()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(audit.validations()).hasSize(1);
    }

    @Test
    void anApplicationsHttpClientStillWorksAfterTheValidatorIsClosed() throws Exception {
        HttpClient own = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        TokenValidator v = builder().requiredScopes(SCOPE).httpClient(own).build();
        v.validate(token().sign());

        v.close();

        HttpResponse<String> r = own.send(HttpRequest.newBuilder(java.net.URI.create(as.jwksUri())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void closingAMultiIssuerValidatorClosesEveryIssuersValidator() {
        TokenValidator a = validator();
        TokenValidator b = TokenValidator.builder().issuer(other.issuer()).audience(AUDIENCE).clock(clock)
                .auditListener(audit).build();
        TokenValidator both = TokenValidator.forIssuers(audit, a, b);

        both.close();

        assertThatThrownBy(() -> both.validate(token().sign())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.validate(token().sign())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.validate(other.token().audience(AUDIENCE).sign()))
                .isInstanceOf(IllegalStateException.class);
        assertThatNoException().isThrownBy(both::close);
    }

    /**
     * Runs in a JVM of its own: in this one, other tests' validators may still hold leases, and the
     * threads rightly stay while any lease is open.
     */
    @Test
    void closingTheLastValidatorStopsBatonsTimerThreads(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process child = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LastValidatorClosing.class.getName())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();

        boolean finished = child.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly();
        }

        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(finished).as(report).isTrue();
        assertThat(child.exitValue()).as(report).isZero();
        assertThat(report).contains("baton threads before close: true").contains("baton threads after close: false");
    }

    /**
     * Builds one validator, makes it refresh its keys in the background (the refresh's deadline
     * starts Baton's timer thread), closes it and waits, bounded, for Baton's threads to end.
     */
    static final class LastValidatorClosing {
        public static void main(String[] args) throws Exception {
            try (MockWebServer server = new MockWebServer()) {
                server.start();
                MutableClock clock = MutableClock.startingNow();
                TestAuthorizationServer as = new TestAuthorizationServer(server).clock(clock);
                TokenValidator v = TokenValidator.builder().issuer(as.issuer()).jwksUri(as.jwksUri())
                        .audience(AUDIENCE).clock(clock).auditListener(AuditListener.none())
                        .verifiedTokenCacheSize(0).build();
                v.validate(as.token().audience(AUDIENCE).sign());
                // Inside the key set's refresh-ahead window: the next validation refreshes in the background.
                clock.advance(Duration.ofMinutes(4).plusSeconds(40));
                v.validate(as.token().audience(AUDIENCE).sign());
                List<Thread> baton = batonThreads();
                System.out.println("baton threads before close: " + !baton.isEmpty());

                v.close();

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (Thread t : baton) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
                System.out.println("baton threads after close: " + !batonThreads().isEmpty());
            }
        }

        private static List<Thread> batonThreads() {
            return Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("baton-")).toList();
        }
    }
}
