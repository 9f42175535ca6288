package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class JwksRefreshTest extends ValidatorTestSupport {

    @Test
    void refreshesKeysInTheBackgroundShortlyBeforeTheyExpire() throws Exception {
        TokenValidator v = builder().verifiedTokenCacheSize(0).build();
        v.validate(token().sign());
        clock.advance(Duration.ofMinutes(4).plusSeconds(40));

        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");

        int jwksFetches = 0;
        RecordedRequest r;
        while (jwksFetches < 2 && (r = server.takeRequest(5, TimeUnit.SECONDS)) != null) {
            if (r.getUrl().encodedPath().endsWith("/v1/keys")) {
                jwksFetches++;
            }
        }
        assertThat(jwksFetches).isEqualTo(2);
    }

    @Test
    void knownKidIsVerifiedWhileAnExpiredKeySetIsBeingRefetched() throws Exception {
        TokenValidator v = builder().verifiedTokenCacheSize(0).httpTimeout(Duration.ofSeconds(60)).build();
        v.validate(token().sign());
        CountDownLatch fetchStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        as.jwksHandler(r -> {
            fetchStarted.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new MockResponse.Builder().code(503).build();
        });
        clock.advance(Duration.ofMinutes(6)); // past the key set's lifetime, within the outage tolerance
        String token = token().sign();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // The first validation past the lifetime fetches; the endpoint hangs until released.
            Future<ValidatedToken> fetching = pool.submit(() -> v.validate(token));
            assertThat(fetchStarted.await(10, TimeUnit.SECONDS)).isTrue();

            // Others must not queue behind that fetch: the old keys are still usable.
            Future<ValidatedToken> other = pool.submit(() -> v.validate(token));
            assertThat(other.get(20, TimeUnit.SECONDS).subject()).isEqualTo("alice");
            assertThat(fetching.isDone()).isFalse();
            release.countDown();
            assertThat(fetching.get(20, TimeUnit.SECONDS).subject()).isEqualTo("alice");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentFirstValidationsFetchTheKeysOnce() throws Exception {
        TokenValidator v = builder().verifiedTokenCacheSize(0).build();
        String token = token().sign();
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ValidatedToken>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await(5, TimeUnit.SECONDS);
                    return v.validate(token);
                }));
            }
            for (Future<ValidatedToken> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS).subject()).isEqualTo("alice");
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(as.jwksRequests()).isEqualTo(1);
        assertThat(as.discoveryRequests()).isEqualTo(1);
        assertThat(audit.validations()).hasSize(threads);
    }
}
