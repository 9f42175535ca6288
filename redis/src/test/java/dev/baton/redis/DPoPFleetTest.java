package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.DPoPKey;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import org.junit.jupiter.api.Test;

/**
 * DPoP-bound tokens (RFC 9449 §5) in a fleet: replicas that hold the same DPoP key share them, with
 * their binding; replicas with keys of their own never receive a token bound to another's key.
 */
class DPoPFleetTest extends FleetServers {
    @Test
    void replicasSharingADPoPKeyShareItsBoundTokens() throws Exception {
        DPoPKey key = DPoPKey.generate();
        try (RedisTokenCache sharedA = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).dpop(key).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).dpop(key).build()) {
            ExchangedToken fromA = a.exchange(Fleet.request(1));
            ExchangedToken fromB = b.exchange(Fleet.request(1));

            assertThat(fromB.accessToken()).isEqualTo(fromA.accessToken());
            assertThat(fromB.isDPoPBound()).isTrue();
            assertThat(fromB.dpopKeyThumbprint()).contains(key.thumbprint());
            assertThat(as.callsFor(Fleet.userToken(1))).isEqualTo(1);
        }
    }

    @Test
    void replicasWithKeysOfTheirOwnNeverShareBoundTokens() throws Exception {
        try (RedisTokenCache sharedA = Fleet.sharedCache(redis.uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(redis.uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).dpop().build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).dpop().build()) {
            ExchangedToken fromA = a.exchange(Fleet.request(2));
            ExchangedToken fromB = b.exchange(Fleet.request(2));

            assertThat(fromB.accessToken()).isNotEqualTo(fromA.accessToken());
            assertThat(fromB.dpopKeyThumbprint()).contains(b.dpopKey().orElseThrow().thumbprint());
            assertThat(as.callsFor(Fleet.userToken(2))).isEqualTo(2);
        }
    }
}
