package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
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
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class JwksRefreshTest extends ValidatorTestSupport {
    /** Just past the least time between two JWKS fetches (docs/validation.md, JWKS: 30 s). */
    private static final Duration PAST_THE_REFETCH_LIMIT = Duration.ofSeconds(31);

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

    // docs/security.md case 16: a key the issuer may just have published cannot be told from a bad
    // one while the JWKS endpoint fails, so the answer is "unavailable" (503), not invalid_token.
    @Test
    void aTokenWithAnUnseenKidDuringAJwksOutageIsServiceUnavailable() throws Exception {
        TokenValidator v = validator();
        v.validate(token().sign());
        as.jwksResponse(new MockResponse.Builder().code(503).build());
        clock.advance(PAST_THE_REFETCH_LIMIT);
        RSAKey rotated = TestAuthorizationServer.otherRsaKey("rsa-next");

        TokenValidationException e = assertRejected(v, token().signWith(rotated).sign(), BearerError.INVALID_TOKEN);

        assertThat(e.isServiceUnavailable()).isTrue();
        assertThat(e.description()).isEqualTo("the authorization server is unavailable");
        assertThat(as.jwksRequests()).isEqualTo(2);
    }

    @Test
    void anUnseenKidStaysServiceUnavailableUntilTheNextAllowedRefetch() throws Exception {
        TokenValidator v = validator();
        v.validate(token().sign());
        as.jwksResponse(new MockResponse.Builder().code(500).build());
        clock.advance(PAST_THE_REFETCH_LIMIT);
        RSAKey rotated = TestAuthorizationServer.otherRsaKey("rsa-next");
        assertRejected(v, token().signWith(rotated).sign(), BearerError.INVALID_TOKEN);

        clock.advance(Duration.ofSeconds(5));
        TokenValidationException again = assertRejected(v, token().signWith(rotated).sign(), BearerError.INVALID_TOKEN);

        assertThat(again.isServiceUnavailable()).isTrue();
        assertThat(as.jwksRequests()).isEqualTo(2);
        assertThat(v.validate(token().sign()).subject()).isEqualTo("alice");
    }

    @Test
    void aTokenWithAnUnseenKidIsAcceptedOnceTheOutageEndsAndTheIssuerPublishesTheKey() throws Exception {
        TokenValidator v = validator();
        v.validate(token().sign());
        as.jwksResponse(new MockResponse.Builder().code(503).build());
        clock.advance(PAST_THE_REFETCH_LIMIT);
        RSAKey rotated = TestAuthorizationServer.otherRsaKey("rsa-next");
        String token = token().signWith(rotated).sign();
        assertThat(assertRejected(v, token, BearerError.INVALID_TOKEN).isServiceUnavailable()).isTrue();

        as.restoreJwks().publish(rotated);
        clock.advance(PAST_THE_REFETCH_LIMIT);

        assertThat(v.validate(token).subject()).isEqualTo("alice");
    }

    @Test
    void aTokenWithAnUnseenKidWhileTheJwksEndpointAnswersIsInvalid() throws Exception {
        TokenValidator v = validator();
        v.validate(token().sign());
        clock.advance(PAST_THE_REFETCH_LIMIT);

        TokenValidationException e = assertInvalid(v,
                token().signWith(TestAuthorizationServer.otherRsaKey("rsa-forged")).sign());

        assertThat(e.description()).isEqualTo("no signing key matches the token");
        assertThat(as.jwksRequests()).isEqualTo(2);
    }
}
