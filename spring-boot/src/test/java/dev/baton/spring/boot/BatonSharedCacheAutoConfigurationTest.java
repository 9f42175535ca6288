package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.baton.ExchangedToken;
import dev.baton.SharedTokenCache;
import dev.baton.TokenExchanger;
import dev.baton.redis.RedisTokenCache;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import dev.baton.testkit.IssuedSecrets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The fleet's shared cache from {@code baton.token-exchange.shared-cache.redis.*}, with a real
 * redis-server and token endpoint: two application contexts are two replicas.
 */
class BatonSharedCacheAutoConfigurationTest {
    private static final String REDIS = "baton.token-exchange.shared-cache.redis.";
    private static final String PASSWORD = IssuedSecrets.remember("redis-password-0123456789abcdef");

    private static RedisProcess redis;
    private static FleetAuthorizationServer as;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, BatonSharedCacheAutoConfiguration.class));

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
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

    /** A replica: the exchanger and the shared cache on the test's Redis (a 2 s command timeout, as in baton-redis' fleet tests, for the loaded build machine). */
    private ApplicationContextRunner replica() {
        return runner.withPropertyValues("baton.token-exchange.token-endpoint=" + as.tokenEndpoint(),
                "baton.token-exchange.client-id=fleet", "baton.token-exchange.client-secret=" + Fleet.CLIENT_SECRET,
                REDIS + "url=" + redis.uri(), REDIS + "secret=" + Fleet.SECRET, REDIS + "key-prefix=boot:",
                REDIS + "command-timeout=2s");
    }

    @Test
    void twoReplicasSharingOneRedisMakeOneTokenEndpointCallPerUser() {
        int before = as.calls();
        replica().run(a -> replica().run(b -> {
            ExchangedToken fromA = a.getBean(TokenExchanger.class).exchange(Fleet.request(1));
            ExchangedToken fromB = b.getBean(TokenExchanger.class).exchange(Fleet.request(1));

            assertThat(fromB.accessToken()).isEqualTo(fromA.accessToken());
            assertThat(as.calls() - before).isEqualTo(1);
            assertThat(a).hasSingleBean(RedisTokenCache.class);
        }));
    }

    @Test
    void replicasWithTheSameConfiguredDPoPKeyShareItsBoundTokens() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        String jwk = IssuedSecrets.remember(key.toJSONString());
        int before = as.calls();
        replica().withPropertyValues("baton.token-exchange.dpop=true", "baton.token-exchange.dpop-key=" + jwk)
                .run(a -> replica().withPropertyValues("baton.token-exchange.dpop=true",
                        "baton.token-exchange.dpop-key=" + jwk).run(b -> {
                            ExchangedToken fromA = a.getBean(TokenExchanger.class).exchange(Fleet.request(2));
                            ExchangedToken fromB = b.getBean(TokenExchanger.class).exchange(Fleet.request(2));

                            assertThat(fromB.accessToken()).isEqualTo(fromA.accessToken());
                            assertThat(fromB.dpopKeyThumbprint()).contains(key.computeThumbprint().toString());
                            assertThat(as.calls() - before).isEqualTo(1);
                        }));
    }

    @Test
    void theCacheIsClosedWithTheContext() throws Exception {
        replica().run(context -> context.getBean(TokenExchanger.class).exchange(Fleet.request(3)));

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!lettuceThreads().isEmpty() && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(lettuceThreads()).isEmpty();
    }

    @Test
    void theApplicationsOwnSharedCacheReplacesIt() {
        AtomicReference<RedisTokenCache> own = new AtomicReference<>();
        replica().withBean(SharedTokenCache.class, () -> {
            own.set(Fleet.sharedCache(redis.uri()).build());
            return own.get();
        }).run(context -> {
            assertThat(context).hasSingleBean(SharedTokenCache.class);
            assertThat(context.getBean(SharedTokenCache.class)).isSameAs(own.get());
        });
    }

    @Test
    void blankPropertiesFromUnsetVariablesConfigureNothing() {
        runner.withPropertyValues("baton.token-exchange.token-endpoint=" + as.tokenEndpoint(),
                "baton.token-exchange.client-id=fleet", "baton.token-exchange.client-secret=" + Fleet.CLIENT_SECRET,
                REDIS + "url=", REDIS + "secret=")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(TokenExchanger.class)
                        .doesNotHaveBean(SharedTokenCache.class));
    }

    @Test
    void withoutBatonRedisOnTheClassPathNothingIsConfigured() {
        replica().withClassLoader(new FilteredClassLoader(RedisTokenCache.class))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(TokenExchanger.class)
                        .doesNotHaveBean(SharedTokenCache.class));
    }

    @Test
    void aMissingSecretStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(REDIS + "url=" + redis.uri())
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith(REDIS + "secret must be set"));
    }

    @Test
    void aShortSecretStopsStartUpWithoutShowingIt() {
        String secret = IssuedSecrets.remember("c2hvcnQtc2VjcmV0LXZhbHVl");
        runner.withPropertyValues(REDIS + "url=" + redis.uri(), REDIS + "secret=" + secret)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage(REDIS + "secret is invalid: secret must be at least 32 bytes, not 18")
                        .hasMessageNotContaining(secret));
    }

    @Test
    void aUrlThatIsNotRedisStopsStartUpWithoutShowingThePassword() {
        runner.withPropertyValues(REDIS + "url=http://baton:" + PASSWORD + "@127.0.0.1:1", REDIS + "secret=" + Fleet.SECRET)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith(REDIS + "url is invalid:").hasMessageNotContaining(PASSWORD));
    }

    @Test
    void aLeaseTimeOutOfRangeStopsStartUpNamingTheProperty() {
        replica().withPropertyValues(REDIS + "lease-time=2m")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage(REDIS + "lease-time is invalid: leaseTime must be between PT0.01S and PT1M, not PT2M"));
    }

    @Test
    void aKeyPrefixWithBracesStopsStartUpNamingTheProperty() {
        replica().withPropertyValues(REDIS + "key-prefix=a{b}")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith(REDIS + "key-prefix is invalid: keyPrefix must be"));
    }

    @Test
    void aDPoPKeyWithoutDPoPStopsStartUpNamingTheProperty() throws Exception {
        String jwk = IssuedSecrets.remember(new ECKeyGenerator(Curve.P_256).generate().toJSONString());
        replica().withPropertyValues("baton.token-exchange.dpop-key=" + jwk)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage("baton.token-exchange.dpop-key is invalid: needs baton.token-exchange.dpop=true"));
    }

    @Test
    void aPublicDPoPKeyStopsStartUpWithoutShowingIt() throws Exception {
        String jwk = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONString();
        replica().withPropertyValues("baton.token-exchange.dpop=true", "baton.token-exchange.dpop-key=" + jwk)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage("baton.token-exchange.dpop-key is invalid: the JWK holds no private key"));
    }

    @Test
    void thePropertiesToStringShowsNeitherTheUrlNorTheSecret() {
        replica().withPropertyValues(REDIS + "url=redis://baton:" + PASSWORD + "@127.0.0.1:" + redis.port())
                .run(context -> assertThat(context.getBean(BatonSharedCacheProperties.class).toString())
                        .doesNotContain(PASSWORD, Fleet.SECRET, "127.0.0.1")
                        .isEqualTo("BatonSharedCacheProperties[Redis[cluster=false, keyPrefix=boot:, leaseTime=null,"
                                + " commandTimeout=PT2S]]"));
    }

    private static Set<String> lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("lettuce-")).collect(Collectors.toSet());
    }
}
