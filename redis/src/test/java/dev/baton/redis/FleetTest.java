package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.AuditListener;
import dev.baton.ExchangeEvent;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.SecondJvm;
import dev.baton.testkit.RecordingAuditListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Replicas with separate local caches, one of them in a second JVM, share one real Redis: the fleet
 * makes one token endpoint call per user, and every caller gets its own user's token
 * (docs/security.md cases 28 and 29, across processes).
 */
class FleetTest extends FleetServers {
    @Test
    void thousandUsersTwentyCallsEachOnThreeReplicasInTwoJvmsMakeExactlyThousandTokenEndpointCalls()
            throws Exception {
        int users = 1000;
        int callsBefore = as.calls();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        try (SecondJvm third = SecondJvm.start("load", as.tokenEndpoint(), redis.uri(), "1000", "6", "8");
                RedisTokenCache sharedA = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build()) {
            // 14 calls per user here (7 on each replica), 6 in the second JVM: 20 per user, 32 threads.
            List<Integer> calls = new ArrayList<>();
            for (int c = 0; c < 14; c++) {
                for (int u = 0; u < users; u++) {
                    calls.add(u);
                }
            }
            Collections.shuffle(calls);
            third.send("go");
            ExecutorService pool = Executors.newFixedThreadPool(24);
            for (int i = 0; i < calls.size(); i++) {
                int user = calls.get(i);
                TokenExchanger replica = i % 2 == 0 ? a : b;
                pool.execute(() -> {
                    try {
                        ExchangedToken token = replica.exchange(Fleet.request(user));
                        (token.accessToken().startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(user)))
                                ? ok : wrong).incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            String done = third.expect("done", 120);

            assertThat(done).isEqualTo("done 6000 0 0");
            assertThat(ok).hasValue(14_000);
            assertThat(wrong).hasValue(0);
            assertThat(failed).hasValue(0);
            assertThat(as.calls() - callsBefore).as(as::describe).isEqualTo(users);
        }
    }

    @Test
    void aReplicaServesAnotherReplicasTokenFromRedisAndAuditsItAsSharedCache() throws Exception {
        RecordingAuditListener auditB = new RecordingAuditListener();
        try (RedisTokenCache sharedA = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).auditListener(auditB).build()) {
            int callsBefore = as.calls();
            ExchangedToken fromA = a.exchange(Fleet.request(5001));
            ExchangedToken fromB = b.exchange(Fleet.request(5001));
            ExchangedToken again = b.exchange(Fleet.request(5001));

            assertThat(fromB.accessToken()).isEqualTo(fromA.accessToken());
            assertThat(again.accessToken()).isEqualTo(fromA.accessToken());
            assertThat(fromB.expiresAt()).isEqualTo(fromA.expiresAt());
            assertThat(fromB.scopes()).isEqualTo(fromA.scopes());
            assertThat(as.calls() - callsBefore).isEqualTo(1);
            assertThat(auditB.exchanges()).extracting(ExchangeEvent::source)
                    .containsExactly(ExchangeEvent.Source.SHARED_CACHE, ExchangeEvent.Source.CACHE);
            assertThat(auditB.exchanges().get(0).httpStatus()).isZero();
        }
    }

    @Test
    void aSharedHitIsAnsweredOffTheRedisIoThreads() throws Exception {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        AuditListener recordThread = new AuditListener() {
            @Override
            public void onExchange(ExchangeEvent event) {
                threads.add(event.source() + " on " + Thread.currentThread().getName());
            }
        };
        try (RedisTokenCache sharedA = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).auditListener(recordThread).build()) {
            a.exchange(Fleet.request(5002));
            b.exchangeAsync(Fleet.request(5002)).get(10, TimeUnit.SECONDS);

            // The exchanger's caching, audit and the callers' continuations never hold up Redis' replies.
            assertThat(threads).singleElement().asString().startsWith("SHARED_CACHE on ")
                    .doesNotContain("lettuce-nioEventLoop");
        }
    }
}
