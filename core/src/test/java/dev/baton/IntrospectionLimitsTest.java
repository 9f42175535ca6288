package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.TestAuthorizationServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Introspection under load: a concurrency cap, one request per token at a time, remembered inactive answers. */
class IntrospectionLimitsTest extends ValidatorTestSupport {

    private TokenValidator.Builder introspecting() {
        return builder().requiredScopes(SCOPE)
                .introspection(ClientAuthentication.clientSecretBasic("mcp-server", "s3cret"));
    }

    private String active() {
        return "{\"active\":true,\"sub\":\"alice\",\"scope\":\"" + SCOPE + "\",\"aud\":\"" + AUDIENCE + "\",\"exp\":"
                + clock.instant().plusSeconds(300).getEpochSecond() + "}";
    }

    private static void await(CountDownLatch latch, long seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void remembersAnInactiveAnswerBriefly() {
        as.introspection(token -> TestAuthorizationServer.json("{\"active\":false}"));
        TokenValidator v = introspecting().build();

        assertInvalid(v, "revoked-opaque-token");
        assertInvalid(v, "revoked-opaque-token");
        assertThat(as.introspectionRequests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(11));
        assertInvalid(v, "revoked-opaque-token");
        assertThat(as.introspectionRequests()).isEqualTo(2);
    }

    @Test
    void concurrentValidationsOfOneTokenShareOneIntrospection() throws Exception {
        int threads = 8;
        // Holds the answer until every thread's request has arrived, or (with sharing) a bounded while.
        CountDownLatch allArrived = new CountDownLatch(threads);
        as.introspection(token -> {
            allArrived.countDown();
            await(allArrived, 3);
            return TestAuthorizationServer.json(active());
        });
        TokenValidator v = introspecting().build();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ValidatedToken>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await(5, TimeUnit.SECONDS);
                    return v.validate("shared-opaque-token");
                }));
            }
            for (Future<ValidatedToken> f : results) {
                assertThat(f.get(20, TimeUnit.SECONDS).subject()).isEqualTo("alice");
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(as.introspectionRequests()).isEqualTo(1);
    }

    @Test
    void failsClosedBeyondTheConcurrencyLimit() throws Exception {
        CountDownLatch twoInFlight = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        as.introspection(token -> {
            twoInFlight.countDown();
            await(release, 20);
            return TestAuthorizationServer.json(active());
        });
        TokenValidator v = introspecting().maxConcurrentIntrospections(2).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ValidatedToken> first = pool.submit(() -> v.validate("opaque-one"));
            Future<ValidatedToken> second = pool.submit(() -> v.validate("opaque-two"));
            assertThat(twoInFlight.await(10, TimeUnit.SECONDS)).isTrue();

            TokenValidationException e = assertRejected(v, "opaque-three", BearerError.INVALID_TOKEN);
            assertThat(e.isServiceUnavailable()).isTrue();

            release.countDown();
            assertThat(first.get(20, TimeUnit.SECONDS).subject()).isEqualTo("alice");
            assertThat(second.get(20, TimeUnit.SECONDS).subject()).isEqualTo("alice");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(as.introspectionRequests()).isEqualTo(2);
    }

    @Test
    void refusesAnOutOfRangeConcurrencyLimit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TokenValidator.builder().maxConcurrentIntrospections(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
