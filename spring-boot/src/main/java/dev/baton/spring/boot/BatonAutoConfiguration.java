package dev.baton.spring.boot;

import dev.baton.AuditListener;
import dev.baton.EndpointObserver;
import dev.baton.SharedTokenCache;
import dev.baton.TokenExchanger;
import dev.baton.TokenValidator;
import dev.baton.spring.boot.internal.BatonBeans;
import dev.baton.spring.boot.internal.Configured;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.ResourceLoader;

/**
 * Baton's core objects from {@code baton.*}: the {@link TokenValidator} when a
 * {@code baton.resource-server.*} property is set, the {@link TokenExchanger} when a
 * {@code baton.token-exchange.*} property is set, with the fleet's {@link SharedTokenCache} bean if
 * there is one. Each is replaced by the application's own bean of
 * that type, and closed by the container when the context closes (its HTTP client and Baton's
 * timer threads with it). Every {@link AuditListener} bean receives their audit events, besides
 * the structured log lines on {@code dev.baton.audit}, and every {@link EndpointObserver} bean
 * (Baton's meters and health indicator among them) their calls to the authorization servers.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "baton", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(BatonProperties.class)
public class BatonAutoConfiguration {

    /** Created by Spring Boot. */
    public BatonAutoConfiguration() {
    }

    /**
     * The validator of {@code baton.resource-server}.
     *
     * @param properties the bound properties
     * @param listeners the application's audit listeners
     * @param observers the observers of the calls to the authorization server
     * @return the validator, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(Configured.ResourceServer.class)
    public TokenValidator batonTokenValidator(BatonProperties properties, ObjectProvider<AuditListener> listeners,
            ObjectProvider<EndpointObserver> observers) {
        return BatonBeans.validator(properties.getResourceServer(), audit(listeners), observer(observers));
    }

    /**
     * The exchanger of {@code baton.token-exchange}.
     *
     * @param properties the bound properties
     * @param listeners the application's audit listeners
     * @param observers the observers of the calls to the authorization server
     * @param resources where a {@code private-key} or {@code dpop-key} location is read from
     * @param sharedCache the fleet's shared cache, if there is one bean of that type (baton-redis's,
     *     from {@code baton.token-exchange.shared-cache.redis}, or the application's)
     * @return the exchanger, closed with the context (before the shared cache)
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(Configured.TokenExchange.class)
    public TokenExchanger batonTokenExchanger(BatonProperties properties, ObjectProvider<AuditListener> listeners,
            ObjectProvider<EndpointObserver> observers, ResourceLoader resources,
            ObjectProvider<SharedTokenCache> sharedCache) {
        return BatonBeans.exchanger(properties.getTokenExchange(), audit(listeners), observer(observers), resources,
                sharedCache.getIfUnique());
    }

    /** Every endpoint observer bean (meters, observations, the health indicator), in order. */
    static EndpointObserver observer(ObjectProvider<EndpointObserver> observers) {
        EndpointObserver[] all = observers.orderedStream().toArray(EndpointObserver[]::new);
        return all.length == 0 ? EndpointObserver.none() : EndpointObserver.of(all);
    }

    /** The structured log lines plus every audit listener bean, in order. */
    static AuditListener audit(ObjectProvider<AuditListener> listeners) {
        List<AuditListener> all = new ArrayList<>();
        all.add(AuditListener.slf4j());
        listeners.orderedStream().forEach(all::add);
        return AuditListener.of(all.toArray(AuditListener[]::new));
    }
}
