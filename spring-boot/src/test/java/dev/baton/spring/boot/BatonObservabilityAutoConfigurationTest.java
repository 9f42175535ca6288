package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.micrometer.BatonMetrics;
import dev.baton.micrometer.BatonObservations;
import dev.baton.testkit.TestAuthorizationServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Meters, observations and the health indicator: wired when Micrometer and Actuator are there, and what they show. */
class BatonObservabilityAutoConfigurationTest {
    @StartStop
    final MockWebServer idpServer = new MockWebServer();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BatonObservabilityAutoConfiguration.class,
                    BatonAutoConfiguration.class))
            .withPropertyValues(BatonAutoConfigurationTest.RESOURCE_SERVER)
            .withPropertyValues(BatonAutoConfigurationTest.TOKEN_EXCHANGE);

    @Test
    void theValidatorsEventsBecomeMetersWhenThereIsAMeterRegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(BatonMetrics.class);
            try {
                context.getBean(TokenValidator.class).validate("not-a-jwt");
            } catch (TokenValidationException expected) {
                // the rejection is what the timer counts
            }
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get(BatonMetrics.VALIDATION).tag("outcome", "rejected").timer().count()).isEqualTo(1);
        });
    }

    @Test
    void theExchangersCacheGaugesAreRegisteredUnderItsBeanName() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> assertThat(
                context.getBean(MeterRegistry.class).find(BatonMetrics.CACHE_SIZE).tag("name", "batonTokenExchanger")
                        .gauge()).isNotNull());
    }

    @Test
    void authorizationServerCallsAreObservedWhenThereIsAnObservationRegistry() {
        runner.withBean(ObservationRegistry.class, ObservationRegistry::create)
                .run(context -> assertThat(context).hasSingleBean(BatonObservations.class));
    }

    @Test
    void noMetersWithoutAMeterRegistryOrWithoutBatonMicrometer() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BatonMetrics.class));
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withClassLoader(new FilteredClassLoader(BatonMetrics.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("batonMetrics"));
    }

    @Test
    void healthIsUnknownBeforeAnyCallAndUpOnceTheJwksAnswered() throws Exception {
        TestAuthorizationServer idp = new TestAuthorizationServer(idpServer, "/oauth2/mcp");
        runner.withPropertyValues("baton.resource-server.issuer=" + idp.issuer()).run(context -> {
            BatonHealthIndicator health = context.getBean(BatonHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UNKNOWN);

            context.getBean(TokenValidator.class).validate(idp.token().audience("mcpserver")
                    .scope("mcp:tools:call").sign());

            Health after = health.health();
            assertThat(after.getStatus()).isEqualTo(Status.UP);
            assertThat(after.getDetails()).containsKeys("discovery", "jwks");
            assertThat(after.getDetails().toString()).contains(idp.jwksUri()).contains("HTTP 200");
        });
    }

    @Test
    void healthIsDownWhenTheAuthorizationServerIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String issuer = "http://127.0.0.1:" + closedPort + "/oauth2/mcp";
        runner.withPropertyValues("baton.resource-server.issuer=" + issuer)
                .run(context -> {
                    try {
                        context.getBean(TokenValidator.class).validate(new TestAuthorizationServer(idpServer).token()
                                .issuer(issuer).audience("mcpserver").sign());
                    } catch (TokenValidationException expected) {
                        // the authorization server cannot be reached
                    }
                    assertThat(context.getBean(BatonHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
                });
    }

    @Test
    void theHealthIndicatorCanBeSwitchedOff() {
        runner.withPropertyValues("management.health.baton.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(BatonHealthIndicator.class));
    }
}
