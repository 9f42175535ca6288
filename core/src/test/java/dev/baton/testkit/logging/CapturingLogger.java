package dev.baton.testkit.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * A logger of {@link CapturingSlf4jProvider}: formats each enabled call once, keeps the line in
 * {@link CapturedLog} and prints INFO and above to {@code System.err}. The kept text holds
 * everything a real appender could write: the formatted message, key-value pairs of the fluent
 * API, and the throwable with its messages, causes and stack.
 */
final class CapturingLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;

    private final Level threshold;

    CapturingLogger(String name, Level threshold) {
        this.name = name;
        this.threshold = threshold;
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
            Throwable throwable) {
        write(level, MessageFormatter.basicArrayFormat(messagePattern, arguments), throwable);
    }

    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) {
            return;
        }
        Object[] args = event.getArgumentArray();
        StringBuilder message = new StringBuilder(MessageFormatter.basicArrayFormat(event.getMessage(), args));
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair p : pairs) {
                message.append(' ').append(p.key).append('=').append(p.value);
            }
        }
        write(event.getLevel(), message.toString(), event.getThrowable());
    }

    private void write(Level level, String message, Throwable throwable) {
        String thread = Thread.currentThread().getName();
        String text = message;
        if (throwable != null) {
            StringWriter trace = new StringWriter();
            throwable.printStackTrace(new PrintWriter(trace));
            text = message + System.lineSeparator() + trace;
        }
        CapturedLog.Line line = new CapturedLog.Line(level.name(), name, thread, text);
        CapturedLog.add(line);
        if (level.toInt() >= Level.INFO.toInt()) {
            System.err.println(line.header() + " - " + text);
        }
    }
}
