package dev.baton.spring.boot;

import dev.baton.TokenExchanger;
import dev.baton.micrometer.BatonMetrics;
import dev.baton.micrometer.BatonObservations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Baton's meters, observations and health, when the application has Micrometer and Actuator:
 * <ul>
 * <li>{@link BatonMetrics} (baton-micrometer) when there is a {@code MeterRegistry}: an audit
 *     listener of the validator, the exchanger and the filter (timers {@code baton.validation} and
 *     {@code baton.exchange}, the token endpoint's OAuth error counter), plus the cache gauges of
 *     every {@code TokenExchanger} bean, tagged {@code name=<bean name>};</li>
 * <li>{@link BatonObservations} when there is an {@code ObservationRegistry}: one Observation (a
 *     span with Micrometer Tracing) per call to an authorization server;</li>
 * <li>{@link BatonHealthIndicator} (contributor {@code baton}) when Spring Boot's health module is
 *     present: whether the JWKS and token endpoints answered at the last attempt.</li>
 * </ul>
 * docs/observability.md lists the meters and their tags; none carries a token, a subject or a
 * secret. Each bean is replaced by the application's own of its type.
 */
@AutoConfiguration(before = BatonAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnProperty(prefix = "baton", name = "enabled", havingValue = "true", matchIfMissing = true)
public class BatonObservabilityAutoConfiguration {

    /** Created by Spring Boot. */
    public BatonObservabilityAutoConfiguration() {
    }

    /** Meters and observations, with baton-micrometer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({BatonMetrics.class, MeterRegistry.class})
    public static class MicrometerConfiguration {

        /** Created by Spring Boot. */
        public MicrometerConfiguration() {
        }

        /**
         * The meters, an audit listener of every Baton object the starter builds.
         *
         * @param registry the application's meter registry
         * @return the audit listener
         */
        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        @ConditionalOnMissingBean
        public BatonMetrics batonMetrics(MeterRegistry registry) {
            return new BatonMetrics(registry);
        }

        /**
         * Registers the cache gauges of every {@code TokenExchanger} bean once the context is ready.
         *
         * @param metrics the meters
         * @param exchangers the exchangers, by bean name
         * @return the registrar
         */
        @Bean
        @ConditionalOnBean(BatonMetrics.class)
        public SmartInitializingSingleton batonExchangerGauges(BatonMetrics metrics,
                ObjectProvider<Map<String, TokenExchanger>> exchangers) {
            return () -> exchangers.ifAvailable(all -> all.forEach((name, exchanger) -> metrics.monitor(exchanger, name)));
        }

        /**
         * One Observation per authorization-server call.
         *
         * @param registry the application's observation registry
         * @return the endpoint observer
         */
        @Bean
        @ConditionalOnBean(ObservationRegistry.class)
        @ConditionalOnMissingBean
        public BatonObservations batonObservations(ObservationRegistry registry) {
            return new BatonObservations(registry);
        }
    }

    /** The health indicator, with Spring Boot's health module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("baton")
    public static class HealthConfiguration {

        /** Created by Spring Boot. */
        public HealthConfiguration() {
        }

        /**
         * The {@code baton} health contributor.
         *
         * @return the indicator, also an endpoint observer of the validator and the exchanger
         */
        @Bean
        @ConditionalOnMissingBean
        public BatonHealthIndicator batonHealthIndicator() {
            return new BatonHealthIndicator();
        }
    }
}
