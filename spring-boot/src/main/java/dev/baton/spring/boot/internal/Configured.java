package dev.baton.spring.boot.internal;

import dev.baton.spring.boot.BatonProperties;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Conditions on whether a group of {@code baton.*} properties is present at all. Any property of
 * the group turns the part on, so a half-written configuration fails start-up with the name of the
 * missing property rather than silently leaving the MCP endpoint unprotected. Not API.
 */
public final class Configured {
    private Configured() {
    }

    private abstract static class Group extends SpringBootCondition {
        private final String prefix;
        private final Bindable<?> type;

        Group(String prefix, Bindable<?> type) {
            this.prefix = prefix;
            this.type = type;
        }

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean bound = Binder.get(context.getEnvironment()).bind(prefix, type).isBound();
            return bound ? ConditionOutcome.match(prefix + " is configured")
                    : ConditionOutcome.noMatch("no " + prefix + " property");
        }
    }

    /** Matches when a {@code baton.resource-server.*} property is set. */
    public static final class ResourceServer extends Group {
        /** The condition. */
        public ResourceServer() {
            super("baton.resource-server", Bindable.of(BatonProperties.ResourceServer.class));
        }
    }

    /** Matches when a {@code baton.token-exchange.*} property is set. */
    public static final class TokenExchange extends Group {
        /** The condition. */
        public TokenExchange() {
            super("baton.token-exchange", Bindable.of(BatonProperties.TokenExchange.class));
        }
    }

    /** Matches when a {@code baton.routes[n].*} property is set. */
    public static final class Routes extends Group {
        /** The condition. */
        public Routes() {
            super("baton.routes", Bindable.listOf(BatonProperties.Route.class));
        }
    }
}
