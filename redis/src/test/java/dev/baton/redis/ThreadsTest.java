package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Closing the cache leaves no thread of its own behind, even while Redis is frozen. */
class ThreadsTest {

    private static Set<String> lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("lettuce-")).collect(Collectors.toSet());
    }

    @Test
    void closingTheCacheStopsItsThreadsWhileRedisIsFrozen() throws Exception {
        try (RedisProcess redis = RedisProcess.start(); FleetAuthorizationServer as = new FleetAuthorizationServer()) {
            RedisTokenCache shared = Fleet.sharedCache(redis.uri()).build();
            try (TokenExchanger exchanger = Fleet.exchanger(as.tokenEndpoint(), shared).build()) {
                exchanger.exchange(Fleet.request(1));
                redis.pause();
                exchanger.exchange(Fleet.request(2));
            } finally {
                shared.close();
                redis.resume();
            }

            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!lettuceThreads().isEmpty() && System.nanoTime() < end) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertThat(lettuceThreads()).isEmpty();
        }
    }
}
