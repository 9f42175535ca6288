package dev.baton.testkit.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J 2 provider of Baton's test runs (registered in {@code META-INF/services} of
 * baton-core's test-jar, in place of slf4j-simple): every {@code dev.baton} logger is at TRACE,
 * every other at INFO; each line is kept in {@link CapturedLog} and, from INFO up, printed to
 * {@code System.err} as slf4j-simple prints it ({@code [thread] LEVEL logger - message}), looked
 * up at each line so a test that swaps {@code System.err} reads it. Where another provider is on
 * the class path too (the examples ship slf4j-simple), the build selects this one with the system
 * property {@code slf4j.provider}.
 */
public final class CapturingSlf4jProvider implements SLF4JServiceProvider {
    /** The SLF4J API version this provider is written against. */
    public static final String REQUESTED_API_VERSION = "2.0.99";

    private ILoggerFactory loggers;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return REQUESTED_API_VERSION;
    }

    @Override
    public void initialize() {
        loggers = new Factory();
        markers = new BasicMarkerFactory();
        mdc = new BasicMDCAdapter();
    }

    /** The level below which a logger of this name discards: TRACE for Baton, INFO for the rest. */
    static Level thresholdOf(String name) {
        return name.equals("dev.baton") || name.startsWith("dev.baton.") ? Level.TRACE : Level.INFO;
    }

    /** One logger per name. */
    static final class Factory implements ILoggerFactory {
        private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, n -> new CapturingLogger(n, thresholdOf(n)));
        }
    }
}
