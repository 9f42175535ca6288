package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
