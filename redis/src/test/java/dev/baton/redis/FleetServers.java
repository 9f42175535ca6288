package dev.baton.redis;

import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The servers a fleet test shares across its cases: one real redis-server and one token endpoint.
 * Both are started before the first case and stopped after the last, even when a case fails.
 */
abstract class FleetServers {
    static RedisProcess redis;
    static FleetAuthorizationServer as;

    @BeforeAll
    static void startFleetServers() {
        redis = RedisProcess.start();
        as = new FleetAuthorizationServer();
    }

    @AfterAll
    static void stopFleetServers() {
        if (as != null) {
            as.close();
            as = null;
        }
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
