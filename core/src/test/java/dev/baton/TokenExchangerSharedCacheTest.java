package dev.baton;

import static dev.baton.ExchangeFixtures.issued;
import static dev.baton.ExchangeFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * The exchanger's side of the {@link SharedTokenCache} contract: a shared cache that fails, never
 * answers or breaks its contract costs no exchange that could succeed (the real one, on Redis, is
 * tested in baton-redis); and {@code invalidate(request, rejectedToken)} drops only that token.
 */
class TokenExchangerSharedCacheTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();

    /** A shared cache whose every answer is {@code answer}. */
    private static SharedTokenCache answering(Supplier<CompletableFuture<SharedTokenCache.Loaded>> answer) {
        return new SharedTokenCache() {
            @Override
            public CompletableFuture<Loaded> load(Lookup lookup, Supplier<CompletableFuture<ExchangedToken>> exchange) {
                return answer.get();
            }

            @Override
            public CompletableFuture<Loaded> refresh(Lookup lookup, Instant staleAt,
                    Supplier<CompletableFuture<ExchangedToken>> exchange) {
                return answer.get();
            }

            @Override
            public CompletableFuture<Void> invalidate(Lookup lookup, String rejectedAccessToken) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aFailingSharedCacheCostsNoExchange() throws Exception {
        server.enqueue(issued("backend-token-1", 300));
        try (TokenExchanger exchanger = ExchangeFixtures.exchanger(server)
                .sharedCache(answering(() -> CompletableFuture.failedFuture(new IllegalStateException("down"))))
                .build()) {
            assertThat(exchanger.exchange(request("subject-token-for-shared-1")).accessToken())
                    .isEqualTo("backend-token-1");
            assertThat(server.getRequestCount()).isEqualTo(1);
        }
    }

    @Test
    void aSharedCacheThatNeverAnswersCostsAtMostTheDeadline() throws Exception {
        server.enqueue(issued("backend-token-2", 300));
        try (TokenExchanger exchanger = ExchangeFixtures.exchanger(server).deadline(Duration.ofMillis(500))
                .sharedCache(answering(CompletableFuture::new)).build()) {
            long start = System.nanoTime();
            ExchangedToken token = exchanger.exchange(request("subject-token-for-shared-2"));

            assertThat(token.accessToken()).isEqualTo("backend-token-2");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aSharedAnswerPastTheLocalRuleIsNotServed() throws Exception {
        server.enqueue(issued("backend-token-3", 300));
        ExchangedToken stale = new ExchangedToken("stale-shared-token-0123", "Bearer", TokenType.ACCESS_TOKEN,
                Instant.now().plusSeconds(10), java.util.List.of());
        try (TokenExchanger exchanger = ExchangeFixtures.exchanger(server)
                .sharedCache(answering(() -> CompletableFuture.completedFuture(
                        new SharedTokenCache.Loaded(stale, Instant.now(), false))))
                .build()) {
            // 10 s left, 30 s skew: the exchanger would not serve it, so it exchanges.
            assertThat(exchanger.exchange(request("subject-token-for-shared-3")).accessToken())
                    .isEqualTo("backend-token-3");
        }
    }

    @Test
    void aSharedCacheNeedsTheLocalCache() {
        assertThatThrownBy(() -> ExchangeFixtures.exchanger(server).noCache()
                .sharedCache(answering(CompletableFuture::new)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a shared cache needs the cache on (noCache() was set)");
    }

    @Test
    void invalidatingARejectedTokenKeepsAFresherOne() throws Exception {
        server.enqueue(issued("backend-token-old", 300));
        server.enqueue(issued("backend-token-new", 300));
        try (TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build()) {
            ExchangeRequest request = request("subject-token-for-shared-4");
            ExchangedToken old = exchanger.exchange(request);
            exchanger.invalidate(request, old.accessToken());
            ExchangedToken fresh = exchanger.exchange(request);

            // A late 401 for the old token, after the fresh one was cached.
            exchanger.invalidate(request, old.accessToken());

            assertThat(exchanger.exchange(request).accessToken()).isEqualTo(fresh.accessToken())
                    .isEqualTo("backend-token-new");
            assertThat(server.getRequestCount()).isEqualTo(2);
        }
    }
}
