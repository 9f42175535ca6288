package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Refresh-ahead happens once per fleet, not once per replica. */
class RefreshAheadTest {

    @Test
    void threeReplicasPastTheRefreshPointMakeOneRefreshBetweenThem() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                FleetAuthorizationServer as = new FleetAuthorizationServer();
                RedisTokenCache s1 = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache s2 = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache s3 = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger r1 = replica(as, s1);
                TokenExchanger r2 = replica(as, s2);
                TokenExchanger r3 = replica(as, s3)) {
            // 4 s tokens, 1 s skew: 3 s of life, refreshed after 1.5 s.
            as.expiresIn(4);
            ExchangedToken first = r1.exchange(Fleet.request(1));
            r2.exchange(Fleet.request(1));
            r3.exchange(Fleet.request(1));
            assertThat(as.calls()).isEqualTo(1);

            TimeUnit.MILLISECONDS.sleep(1_700);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean allRefreshed = false;
            while (!allRefreshed && System.nanoTime() < end) {
                allRefreshed = true;
                for (TokenExchanger r : new TokenExchanger[] {r1, r2, r3}) {
                    allRefreshed &= !r.exchange(Fleet.request(1)).accessToken().equals(first.accessToken());
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }

            assertThat(allRefreshed).isTrue();
            assertThat(as.calls()).isEqualTo(2);
        }
    }

    private static TokenExchanger replica(FleetAuthorizationServer as, RedisTokenCache shared) {
        return Fleet.exchanger(as.tokenEndpoint(), shared).cacheSkew(Duration.ofSeconds(1)).refreshAhead(0.5).build();
    }
}
