package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import dev.baton.redis.testkit.SharingCheck;
import dev.baton.testkit.IssuedSecrets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An ACL user (Redis 6+) limited to the prefix's keys and channel and to the commands the cache
 * sends, as docs/fleet.md recommends; the default user is off. A wrong password never fails a call
 * and never appears in a log line.
 */
class AclUserTest {
    private static final String PASSWORD = IssuedSecrets.remember("acl-password-0123456789abcdef");
    /** The rules docs/fleet.md gives for the cache's ACL user, with the tests' prefix. */
    private static final List<String> RULES = List.of("~test:*", "resetchannels", "&test:*", "-@all", "+@connection",
            "+get", "+set", "+del", "+eval", "+evalsha", "+publish", "+subscribe", "+unsubscribe");

    private static RedisProcess redis;
    private static FleetAuthorizationServer as;

    @BeforeAll
    static void start() {
        // Each word an argument of its own: redis-server joins them into one "user" line.
        List<String> arguments = new ArrayList<>(List.of("--user", "default", "off", "--user", "baton", "on", ">" + PASSWORD));
        arguments.addAll(RULES);
        redis = RedisProcess.start(arguments);
        as = new FleetAuthorizationServer();
    }

    @AfterAll
    static void stop() {
        if (as != null) {
            as.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void replicasLoggedInAsALimitedAclUserShareTokens() throws Exception {
        String uri = "redis://baton:" + PASSWORD + "@127.0.0.1:" + redis.port();
        int before = as.calls();
        try (RedisTokenCache sharedA = Fleet.sharedCache(uri).build();
                RedisTokenCache sharedB = Fleet.sharedCache(uri).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build()) {
            int wrong = SharingCheck.wrongOrFailed(a, b, 0, 20);

            assertThat(wrong).isZero();
            assertThat(as.calls() - before).as(as::describe).isEqualTo(20);
            assertThat(sharedA.isDegraded()).isFalse();
        }
    }

    @Test
    void aWrongPasswordFailsNoCallAndEachReplicaExchangesForItself() throws Exception {
        String uri = "redis://baton:" + IssuedSecrets.remember("wrong-password-0123456789abcdef") + "@127.0.0.1:"
                + redis.port();
        int before = as.calls();
        try (RedisTokenCache sharedA = Fleet.sharedCache(uri).build();
                RedisTokenCache sharedB = Fleet.sharedCache(uri).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build()) {
            int wrong = SharingCheck.wrongOrFailed(a, b, 100, 110);

            assertThat(wrong).isZero();
            assertThat(as.calls() - before).isEqualTo(20);
            assertThat(SharingCheck.becomesDegraded(sharedA, a)).isTrue();
        }
    }
}
