package dev.baton.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into application-supplied listeners ({@code AuditListener}, {@code EndpointObserver}). A
 * listener is the application's code running on Baton's thread in the middle of a validation or
 * an exchange: whatever it throws must not change
 * the outcome, so it is logged (its class only, never its message, which could quote a token) and
 * dropped. Not API.
 */
public final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.audit.listener");

    private Listeners() {
    }

    /** Runs a listener call, logging (without rethrowing) any runtime exception it throws. */
    public static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("listener failed: {}", e.getClass().getName());
        }
    }
}
