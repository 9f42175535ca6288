package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.SecondJvm;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lease: a replica that takes it and dies mid-exchange (its JVM killed) delays the others by at
 * most the lease time; one of them then exchanges, and no caller waits past its deadline.
 */
class LeaseTest extends FleetServers {
    @Test
    void whenTheLeaseHolderDiesAnotherReplicaExchangesAfterTheLeaseExpires() throws Exception {
        int user = 42;
        as.holdFirstCallFor(subject -> subject.equals(Fleet.userToken(user)));
        try (SecondJvm holder = SecondJvm.start("hold", as.tokenEndpoint(), redis.uri(), Integer.toString(user));
                RedisTokenCache shared = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger survivor = Fleet.exchanger(as.tokenEndpoint(), shared).build()) {
            holder.send("go");
            // The holder took the lease (default 2 s) and its exchange is on the wire, held.
            assertThat(as.awaitHeld()).isTrue();
            holder.kill();

            long start = System.nanoTime();
            ExchangedToken token = survivor.exchange(Fleet.request(user));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(token.accessToken()).startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(user)));
            assertThat(as.callsFor(Fleet.userToken(user))).isEqualTo(2);
            // At most the lease plus the exchange; well within the 5 s deadline.
            assertThat(waitedMillis).isLessThan(TokenExchanger.DEFAULT_DEADLINE.toMillis());
        }
    }

    @Test
    void aReplicaWaitingForTheLeaseHolderGetsItsTokenWithoutCallingTheTokenEndpoint() throws Exception {
        int user = 43;
        try (RedisTokenCache sharedA = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build()) {
            // Both start at once; whichever loses the lease waits for the other's message.
            var fromA = a.exchangeAsync(Fleet.request(user));
            var fromB = b.exchangeAsync(Fleet.request(user));

            assertThat(fromA.get(5, TimeUnit.SECONDS).accessToken()).isEqualTo(fromB.get(5, TimeUnit.SECONDS)
                    .accessToken());
            assertThat(as.callsFor(Fleet.userToken(user))).isEqualTo(1);
        }
    }

    @Test
    void aLeaseLongerThanHalfTheDeadlineIsCutToIt() throws Exception {
        int user = 44;
        as.holdFirstCallFor(subject -> subject.equals(Fleet.userToken(user)));
        try (RedisTokenCache sharedA = Fleet.sharedCache(redis.uri()).leaseTime(Duration.ofSeconds(30)).build();
                RedisTokenCache sharedB = Fleet.sharedCache(redis.uri()).leaseTime(Duration.ofSeconds(30)).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).deadline(Duration.ofSeconds(2)).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).deadline(Duration.ofSeconds(2)).build()) {
            a.exchangeAsync(Fleet.request(user));
            assertThat(as.awaitHeld()).isTrue();

            long start = System.nanoTime();
            ExchangedToken token = b.exchange(Fleet.request(user));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(token.accessToken()).startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(user)));
            // A's lease lasted 1 s (half its deadline), not 30 s: B took over and stayed within its deadline.
            assertThat(waitedMillis).isLessThan(2_000);
        }
    }
}
