package dev.baton;

import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.T0;
import static dev.baton.ExchangeFixtures.form;
import static dev.baton.ExchangeFixtures.issued;
import static dev.baton.ExchangeFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.MutableClock;
import dev.baton.testkit.RecordingAuditListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The per-user cache: isolation, single-flight, expiry, bounds (docs/security.md cases 28–31). */
class TokenExchangerCacheTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final MutableClock clock = new MutableClock(T0);

    /**
     * Issues "token-for-&lt;subject_token&gt;", so a test can check every caller got its own user's
     * token. Holds every response until {@code concurrent} requests are in flight, so concurrent
     * misses really overlap (bounded wait).
     */
    private static final class NamingDispatcher extends Dispatcher {
        final AtomicInteger requests = new AtomicInteger();
        private final CountDownLatch allInFlight;

        NamingDispatcher(int concurrent) {
            this.allInFlight = new CountDownLatch(concurrent);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            requests.incrementAndGet();
            allInFlight.countDown();
            allInFlight.await(10, TimeUnit.SECONDS);
            String subject = form(request).get("subject_token").get(0);
            return issued("token-for-" + subject, 300);
        }
    }

    private TokenExchanger.Builder cached() {
        return ExchangeFixtures.exchanger(server).clock(clock);
    }

    /** A token endpoint that answers at once with a token named after each subject, counting calls. */
    private NamingDispatcher namingEndpoint() {
        NamingDispatcher endpoint = new NamingDispatcher(0);
        server.setDispatcher(endpoint);
        return endpoint;
    }

    /** One exchange for each of {@code count} users, {@code prefix-0} to {@code prefix-(count - 1)}. */
    private static void oneTimeUsers(TokenExchanger exchanger, String prefix, int count) throws TokenExchangeException {
        for (int i = 0; i < count; i++) {
            exchanger.exchange(ExchangeFixtures.request(prefix + "-" + i));
        }
    }

    @Test
    void servesRepeatedExchangeFromCache() throws Exception {
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = cached().build();

        ExchangedToken first = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        ExchangedToken second = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(second.accessToken()).isEqualTo(first.accessToken()).isEqualTo("backend-token");
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(exchanger.cacheStats()).isEqualTo(new ExchangeCacheStats(1, 1, 1, 0, 0, 0, 1));
    }

    @Test
    void thirtyTwoThreadsTwentyUsersGetTheirOwnTokensWithOneExchangePerUser() throws Exception {
        NamingDispatcher dispatcher = new NamingDispatcher(20);
        server.setDispatcher(dispatcher);
        TokenExchanger exchanger = cached().deadline(Duration.ofSeconds(30)).build();
        int threads = 32;
        int users = 20;
        int rounds = 50;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger wrong = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int round = 0; round < rounds; round++) {
                        for (int u = 0; u < users; u++) {
                            String user = "user-" + ((u + offset) % users);
                            ExchangedToken token = exchanger.exchange(ExchangeFixtures.request(user));
                            if (!token.accessToken().equals("token-for-" + user)) {
                                wrong.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(wrong).hasValue(0);
        assertThat(dispatcher.requests).hasValue(users);
        ExchangeCacheStats stats = exchanger.cacheStats();
        assertThat(stats.misses()).isEqualTo(users);
        assertThat(stats.loads()).isEqualTo(users);
        assertThat(stats.hits()).isEqualTo((long) threads * users * rounds - users);
    }

    @Test
    void concurrentMissesShareOneFailure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger requests = new AtomicInteger();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                requests.incrementAndGet();
                release.await(10, TimeUnit.SECONDS);
                return json(400, "{\"error\":\"invalid_grant\"}");
            }
        });
        TokenExchanger exchanger = cached().build();

        List<CompletableFuture<ExchangedToken>> waiters = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            waiters.add(exchanger.exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN)));
        }
        release.countDown();

        for (CompletableFuture<ExchangedToken> w : waiters) {
            assertThat(w).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(TokenExchangeException.class,
                            e -> assertThat(e.error()).isEqualTo("invalid_grant"));
        }
        assertThat(requests).hasValue(1);
        assertThat(exchanger.cacheStats().loadFailures()).isEqualTo(1);
    }

    @Test
    void cancellingOneWaiterDoesNotCancelTheSharedExchange() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                release.await(10, TimeUnit.SECONDS);
                return issued("backend-token", 300);
            }
        });
        TokenExchanger exchanger = cached().build();

        CompletableFuture<ExchangedToken> impatient = exchanger.exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN));
        CompletableFuture<ExchangedToken> patient = exchanger.exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN));
        impatient.cancel(true);
        release.countDown();

        assertThat(patient.get(10, TimeUnit.SECONDS).accessToken()).isEqualTo("backend-token");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void failureIsNotCached() throws Exception {
        server.enqueue(json(400, "{\"error\":\"invalid_grant\"}"));
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = cached().build();

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOf(TokenExchangeException.class);
        ExchangedToken token = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void keyIgnoresTheOrderOfAudiencesResourcesAndScopes() throws Exception {
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = cached().build();

        exchanger.exchange(ExchangeRequest.builder().subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN)
                .audience("a", "b").resource("https://r1.example/", "https://r2.example/").scopes("s1", "s2").build());
        ExchangedToken again = exchanger.exchange(ExchangeRequest.builder()
                .subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN)
                .audience("b", "a").resource("https://r2.example/", "https://r1.example/").scopes("s2", "s1").build());

        assertThat(again.accessToken()).isEqualTo("backend-token");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void everyParameterIsPartOfTheKey() throws Exception {
        server.setDispatcher(new Dispatcher() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return issued("token-" + n.incrementAndGet(), 300);
            }
        });
        TokenExchanger exchanger = cached().build();
        ExchangeRequest base = ExchangeRequest.builder().subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN)
                .audience("backend").scopes("read").build();
        List<ExchangeRequest> variants = List.of(
                base,
                ExchangeRequest.builder().subjectToken(SUBJECT_TOKEN, TokenType.JWT).audience("backend").scopes("read")
                        .build(),
                base.newBuilder().audience("other").build(),
                base.newBuilder().scopes("write").build(),
                base.newBuilder().resource("https://api.example.com/").build(),
                base.newBuilder().requestedTokenType(TokenType.JWT).build(),
                base.newBuilder().actorToken("actor-1", TokenType.ACCESS_TOKEN).build(),
                base.newBuilder().actorToken("actor-2", TokenType.ACCESS_TOKEN).build(),
                base.newBuilder().actorToken("actor-1", TokenType.JWT).build());

        List<String> tokens = new ArrayList<>();
        for (ExchangeRequest r : variants) {
            tokens.add(exchanger.exchange(r).accessToken());
        }

        assertThat(tokens).doesNotHaveDuplicates();
        assertThat(server.getRequestCount()).isEqualTo(variants.size());
    }

    @Test
    void entryIsServedUntilExpiryMinusSkewAndNeverAfter() throws Exception {
        server.enqueue(issued("first", 300));
        server.enqueue(issued("second", 300));
        TokenExchanger exchanger = cached().cacheSkew(Duration.ofSeconds(30)).build();

        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        clock.advance(Duration.ofSeconds(269));
        ExchangedToken beforeSkew = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        clock.advance(Duration.ofSeconds(1));
        ExchangedToken atSkew = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(beforeSkew.accessToken()).isEqualTo("first");
        assertThat(atSkew.accessToken()).isEqualTo("second");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void validatedSubjectExpiringSoonerBoundsTheEntry() throws Exception {
        server.enqueue(issued("first", 3600));
        server.enqueue(issued("second", 3600));
        TokenExchanger exchanger = cached().build();
        ValidatedToken user = ValidatedToken.of(SUBJECT_TOKEN,
                Map.of("sub", "alice", "exp", T0.plusSeconds(100).getEpochSecond()));
        ExchangeRequest request = ExchangeRequest.builder().subjectToken(user).audience("backend").build();

        exchanger.exchange(request);
        clock.advance(Duration.ofSeconds(69));
        ExchangedToken beforeSkew = exchanger.exchange(request);
        clock.advance(Duration.ofSeconds(1));
        ExchangedToken atSkew = exchanger.exchange(request);

        assertThat(beforeSkew.accessToken()).isEqualTo("first");
        assertThat(atSkew.accessToken()).isEqualTo("second");
    }

    @Test
    void rawJwtSubjectExpiringSoonerBoundsTheEntry() throws Exception {
        server.enqueue(issued("first", 3600));
        server.enqueue(issued("second", 3600));
        TokenExchanger exchanger = cached().build();
        String jwt = ExchangeFixtures.unsignedJws("{\"sub\":\"bob\",\"exp\":" + T0.plusSeconds(100).getEpochSecond()
                + "}");
        ExchangeRequest request = ExchangeFixtures.request(jwt);

        exchanger.exchange(request);
        clock.advance(Duration.ofSeconds(69));
        ExchangedToken beforeSkew = exchanger.exchange(request);
        clock.advance(Duration.ofSeconds(1));
        ExchangedToken atSkew = exchanger.exchange(request);

        assertThat(beforeSkew.accessToken()).isEqualTo("first");
        assertThat(atSkew.accessToken()).isEqualTo("second");
    }

    @Test
    void tokenLivingLessThanTheSkewIsReturnedButNeverCached() throws Exception {
        server.enqueue(issued("short-1", 20));
        server.enqueue(issued("short-2", 20));
        TokenExchanger exchanger = cached().build();

        ExchangedToken first = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        ExchangedToken second = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(first.accessToken()).isEqualTo("short-1");
        assertThat(second.accessToken()).isEqualTo("short-2");
    }

    @Test
    void cacheIsBoundedAndEvicts() throws Exception {
        namingEndpoint();
        TokenExchanger exchanger = cached().maximumCacheSize(10).build();

        oneTimeUsers(exchanger, "user", 60);

        assertThat(exchanger.cacheStats().evictions()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void everyHitIsCountedOnceWhicheverWayTheCacheReadsIt() throws Exception {
        // Hits this close together bypass Caffeine's read bookkeeping but for one a millisecond
        // (Flight.REPORT_INTERVAL_NANOS); each is one hit, whether Caffeine or Baton counts it.
        NamingDispatcher endpoint = namingEndpoint();
        TokenExchanger exchanger = cached().build();

        for (int i = 0; i < 1_000; i++) {
            assertThat(exchanger.exchange(ExchangeFixtures.request("alice")).accessToken())
                    .isEqualTo("token-for-alice");
        }

        assertThat(exchanger.cacheStats().hits()).isEqualTo(999);
        assertThat(exchanger.cacheStats().misses()).isEqualTo(1);
        assertThat(endpoint.requests).hasValue(1);
    }

    @Test
    void aHotUsersTokenOutlivesABurstOfOneTimeUsers() throws Exception {
        // Eviction keeps what is used: the hits reported to Caffeine's policy (here the first of
        // each round of eight) keep the hot user's entry from being displaced by one-time users.
        NamingDispatcher endpoint = namingEndpoint();
        TokenExchanger exchanger = cached().maximumCacheSize(20).build();

        for (int i = 0; i < 100; i++) {
            exchanger.exchange(ExchangeFixtures.request("once-" + i));
            for (int j = 0; j < 8; j++) {
                exchanger.exchange(ExchangeFixtures.request("hot"));
            }
        }

        assertThat(exchanger.cacheStats().evictions()).isGreaterThanOrEqualTo(80);
        // The hot user's token came from the endpoint once, 100 one-time users later.
        assertThat(endpoint.requests).hasValue(101);
    }

    @Test
    void aSingleHitStillCountsForEviction() throws Exception {
        // An entry read less than once a millisecond has each hit reported to Caffeine's policy:
        // one hit is enough to set the entry apart from users seen only once.
        NamingDispatcher endpoint = namingEndpoint();
        TokenExchanger exchanger = cached().maximumCacheSize(20).build();
        exchanger.exchange(ExchangeFixtures.request("regular"));
        oneTimeUsers(exchanger, "early", 5);
        exchanger.exchange(ExchangeFixtures.request("regular"));

        oneTimeUsers(exchanger, "once", 100);
        exchanger.exchange(ExchangeFixtures.request("regular"));

        assertThat(endpoint.requests).hasValue(106);
    }

    @Test
    void invalidateDropsOneEntry() throws Exception {
        server.setDispatcher(new Dispatcher() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return issued(form(request).get("subject_token").get(0) + "-" + n.incrementAndGet(), 300);
            }
        });
        TokenExchanger exchanger = cached().build();
        exchanger.exchange(ExchangeFixtures.request("alice"));
        exchanger.exchange(ExchangeFixtures.request("bob"));

        exchanger.invalidate(ExchangeFixtures.request("alice"));

        assertThat(exchanger.exchange(ExchangeFixtures.request("alice")).accessToken()).isEqualTo("alice-3");
        assertThat(exchanger.exchange(ExchangeFixtures.request("bob")).accessToken()).isEqualTo("bob-2");
        assertThat(exchanger.cacheStats().evictions()).isZero();
    }

    @Test
    void noCacheCallsTheEndpointEveryTime() throws Exception {
        server.enqueue(issued("first", 300));
        server.enqueue(issued("second", 300));
        TokenExchanger exchanger = cached().noCache().build();

        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        ExchangedToken second = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(second.accessToken()).isEqualTo("second");
        assertThat(exchanger.cacheStats()).isEqualTo(new ExchangeCacheStats(0, 2, 2, 0, 0));
    }

    @Test
    void negativeCacheRemembersInvalidGrantBriefly() throws Exception {
        server.enqueue(json(400, "{\"error\":\"invalid_grant\"}"));
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = cached().negativeCache(Duration.ofSeconds(10)).build();

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOf(TokenExchangeException.class);
        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOfSatisfying(TokenExchangeException.class,
                        e -> assertThat(e.error()).isEqualTo("invalid_grant"));
        assertThat(server.getRequestCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(11));

        assertThat(exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)).accessToken())
                .isEqualTo("backend-token");
    }

    @Test
    void negativeCacheIgnoresOtherErrors() throws Exception {
        server.enqueue(json(400, "{\"error\":\"invalid_target\"}"));
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = cached().negativeCache(Duration.ofSeconds(10)).build();

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOf(TokenExchangeException.class);

        assertThat(exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)).accessToken())
                .isEqualTo("backend-token");
    }

    @Test
    void farFutureSubjectExpiryDoesNotOverflowTheCacheExpiry() throws Exception {
        server.enqueue(issued("first", 3600));
        TokenExchanger exchanger = cached().maxTokenLifetime(Duration.ofDays(1)).build();
        String jwt = ExchangeFixtures.unsignedJws("{\"sub\":\"bob\",\"exp\":"
                + java.time.Instant.parse("2500-01-01T00:00:00Z").getEpochSecond() + "}");

        assertThat(exchanger.exchange(ExchangeFixtures.request(jwt)).accessToken()).isEqualTo("first");
        assertThat(exchanger.exchange(ExchangeFixtures.request(jwt)).accessToken()).isEqualTo("first");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void refreshAheadReplacesTheEntryWhileServingTheCurrentOne() throws Exception {
        server.enqueue(issued("first", 300));
        server.enqueue(issued("second", 300));
        TokenExchanger exchanger = cached().refreshAhead(0.5).build();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        // Cacheable life is 270 s; past half of it, a read triggers one background exchange.
        clock.advance(Duration.ofSeconds(140));
        ExchangedToken during = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        String after = awaitToken(exchanger, "second");

        assertThat(during.accessToken()).isEqualTo("first");
        assertThat(after).isEqualTo("second");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void cacheStatsCountTheRefreshesStartedAndTheCachedTokens() throws Exception {
        server.enqueue(issued("first", 300));
        server.enqueue(issued("second", 300));
        server.enqueue(issued("other-user", 300));
        TokenExchanger exchanger = cached().refreshAhead(0.5).build();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        clock.advance(Duration.ofSeconds(140));

        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        awaitToken(exchanger, "second");
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN + "-bob"));

        assertThat(exchanger.cacheStats().refreshes()).isEqualTo(1);
        assertThat(exchanger.cacheStats().loads()).isEqualTo(3);
        assertThat(exchanger.cacheStats().size()).isEqualTo(2);
    }

    @Test
    void refreshAheadDoesNotRefreshAnEntryBoundBySubjectTokenExpiry() throws Exception {
        server.enqueue(issued("first", 300));
        server.enqueue(issued("second", 300));
        server.enqueue(issued("third", 300));
        TokenExchanger exchanger = cached().refreshAhead(0.5).build();
        String jwt = ExchangeFixtures.unsignedJws("{\"sub\":\"bob\",\"exp\":" + T0.plusSeconds(100).getEpochSecond()
                + "}");
        ExchangeRequest request = ExchangeFixtures.request(jwt);
        exchanger.exchange(request);
        assertThat(server.takeRequest(10, TimeUnit.SECONDS)).isNotNull();

        // Entry bound by the subject token (stale at T0+70 s); a new exchange could not extend it.
        for (int s = 40; s < 70; s += 5) {
            clock.set(T0.plusSeconds(s));
            assertThat(exchanger.exchange(request).accessToken()).isEqualTo("first");
        }

        // Bounded wait for a background request that must never come.
        assertThat(server.takeRequest(2, TimeUnit.SECONDS)).isNull();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void manyCallersFindingAnEntryDueForRefreshStartOneRefresh() throws Exception {
        CountDownLatch releaseRefresh = new CountDownLatch(1);
        AtomicInteger requests = new AtomicInteger();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                int n = requests.incrementAndGet();
                if (n > 1) {
                    // The refresh stays in flight until every caller has found the entry due.
                    releaseRefresh.await(10, TimeUnit.SECONDS);
                }
                return issued("token-" + n, 300);
            }
        });
        TokenExchanger exchanger = cached().refreshAhead(0.5).build();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        clock.advance(Duration.ofSeconds(140));
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger servedCurrent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 20; i++) {
                        if (exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)).accessToken().equals("token-1")) {
                            servedCurrent.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            releaseRefresh.countDown();
            pool.shutdownNow();
        }

        assertThat(servedCurrent).hasValue(threads * 20);
        assertThat(awaitToken(exchanger, "token-2")).isEqualTo("token-2");
        assertThat(requests).hasValue(2);
    }

    @Test
    void backgroundRefreshEmitsItsOwnAuditEvent() throws Exception {
        server.enqueue(issued("first", 300));
        server.enqueue(issued("second", 300));
        RecordingAuditListener audit = new RecordingAuditListener();
        TokenExchanger exchanger = cached().refreshAhead(0.5).auditListener(audit).build();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        clock.advance(Duration.ofSeconds(140));
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        awaitToken(exchanger, "second");

        List<ExchangeEvent> fromEndpoint = audit.exchanges().stream().filter(e -> !e.fromCache()).toList();
        assertThat(fromEndpoint).hasSize(2);
        ExchangeEvent refresh = fromEndpoint.get(1);
        assertThat(refresh.outcome()).isEqualTo(ExchangeEvent.Outcome.SUCCESS);
        assertThat(refresh.audiences()).containsExactly("backend");
        assertThat(refresh.grantedScopes()).containsExactly("backend-api:read");
        assertThat(refresh.subjectTokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(SUBJECT_TOKEN));
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    /** Polls (bounded) until the cache serves {@code expected}: the replacement lands asynchronously. */
    private static String awaitToken(TokenExchanger exchanger, String expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String seen = null;
        while (System.nanoTime() < end) {
            seen = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)).accessToken();
            if (seen.equals(expected)) {
                return seen;
            }
            Thread.onSpinWait();
        }
        return seen;
    }

    @Test
    void statsCountHitsMissesLoadsAndFailures() throws Exception {
        server.enqueue(issued("a", 300));
        server.enqueue(json(400, "{\"error\":\"invalid_grant\"}"));
        TokenExchanger exchanger = cached().build();

        exchanger.exchange(ExchangeFixtures.request("alice"));
        exchanger.exchange(ExchangeFixtures.request("alice"));
        exchanger.exchange(ExchangeFixtures.request("alice"));
        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request("bob")))
                .isInstanceOf(TokenExchangeException.class);

        ExchangeCacheStats stats = exchanger.cacheStats();
        assertThat(stats).isEqualTo(new ExchangeCacheStats(2, 2, 1, 1, 0, 0, 1));
        assertThat(stats.hitRate()).isEqualTo(0.5);
    }

    @Test
    void expiredEntriesCountAsEvictions() throws Exception {
        server.enqueue(issued("first", 300));
        TokenExchanger exchanger = cached().build();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        clock.advance(Duration.ofSeconds(271));

        assertThat(exchanger.cacheStats().evictions()).isEqualTo(1);
    }
}
