package dev.baton;

import dev.baton.internal.Listeners;

/**
 * Receives one event per accepted or rejected incoming token and one per token exchange.
 *
 * <p>Events never carry a token, only its {@linkplain ValidatedToken#fingerprint() fingerprint}.
 * Listeners are called synchronously on the thread that did the work, so they must be fast and
 * must not throw; an exception thrown by a listener is logged and otherwise ignored.
 *
 * <pre>{@code
 * TokenValidator validator = TokenValidator.builder()
 *     .issuer("https://idp.example.com/oauth2/mcp")
 *     .audience("mcpserver")
 *     .auditListener(AuditListener.slf4j())   // the default
 *     .build();
 * }</pre>
 */
public interface AuditListener {

    /** Called once for every validation, accepted or rejected. */
    default void onValidation(ValidationEvent event) {
    }

    /** Called once for every exchange, whether served from the cache, by the token endpoint, or failed. */
    default void onExchange(ExchangeEvent event) {
    }

    /**
     * The default listener: one structured {@code key=value} line per event on the SLF4J logger
     * {@code dev.baton.audit}; accepted tokens and successful exchanges at INFO, rejections and
     * failures at WARN.
     */
    static AuditListener slf4j() {
        return Slf4jAuditListener.INSTANCE;
    }

    /** A listener that ignores every event. */
    static AuditListener none() {
        return NoAudit.INSTANCE;
    }

    /** Combines listeners; each receives every event, in order. */
    static AuditListener of(AuditListener... listeners) {
        AuditListener[] copy = listeners.clone();
        for (AuditListener l : copy) {
            java.util.Objects.requireNonNull(l, "listener");
        }
        return new AuditListener() {
            @Override
            public void onValidation(ValidationEvent event) {
                for (AuditListener l : copy) {
                    Listeners.safely(() -> l.onValidation(event));
                }
            }

            @Override
            public void onExchange(ExchangeEvent event) {
                for (AuditListener l : copy) {
                    Listeners.safely(() -> l.onExchange(event));
                }
            }
        };
    }
}

final class NoAudit implements AuditListener {
    static final NoAudit INSTANCE = new NoAudit();
}
