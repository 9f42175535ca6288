package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Invalidation is fleet-wide: {@code invalidate(request)} deletes the shared entry, and
 * {@code invalidate(request, rejectedToken)} (the OkHttp interceptor's upstream-401 path) deletes
 * only an entry holding the rejected token, so concurrent 401s do not erase each other's fresh token.
 */
class InvalidationTest extends FleetServers {
    private RedisTokenCache sharedA;
    private RedisTokenCache sharedB;
    private TokenExchanger a;
    private TokenExchanger b;

    @BeforeEach
    void startReplicas() {
        sharedA = Fleet.sharedCache(redis.uri()).build();
        sharedB = Fleet.sharedCache(redis.uri()).build();
        a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
        b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build();
    }

    @AfterEach
    void stopReplicas() {
        a.close();
        b.close();
        sharedA.close();
        sharedB.close();
    }

    @Test
    void invalidateOnOneReplicaMakesAnotherExchangeAnew() throws Exception {
        ExchangedToken first = a.exchange(Fleet.request(1));

        a.invalidate(Fleet.request(1));
        ExchangedToken onB = b.exchange(Fleet.request(1));

        assertThat(onB.accessToken()).isNotEqualTo(first.accessToken())
                .startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(1)));
        assertThat(as.callsFor(Fleet.userToken(1))).isEqualTo(2);
    }

    @Test
    void aRejectedTokenIsDeletedFleetWide() throws Exception {
        ExchangedToken rejected = a.exchange(Fleet.request(2));

        a.invalidate(Fleet.request(2), rejected.accessToken());
        ExchangedToken fresh = b.exchange(Fleet.request(2));

        assertThat(fresh.accessToken()).isNotEqualTo(rejected.accessToken());
        assertThat(as.callsFor(Fleet.userToken(2))).isEqualTo(2);
    }

    @Test
    void aLate401ForAnOldTokenDoesNotEraseTheFreshOne() throws Exception {
        ExchangedToken old = a.exchange(Fleet.request(3));
        a.invalidate(Fleet.request(3), old.accessToken());
        ExchangedToken fresh = a.exchange(Fleet.request(3));

        // B's call with the old token is refused too, after A already stored the fresh one.
        b.invalidate(Fleet.request(3), old.accessToken());
        ExchangedToken onB = b.exchange(Fleet.request(3));
        a.invalidate(Fleet.request(3), old.accessToken());
        ExchangedToken onA = a.exchange(Fleet.request(3));

        assertThat(onB.accessToken()).isEqualTo(fresh.accessToken());
        assertThat(onA.accessToken()).isEqualTo(fresh.accessToken());
        assertThat(as.callsFor(Fleet.userToken(3))).isEqualTo(2);
    }
}
