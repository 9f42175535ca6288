package dev.baton.testkit.logging;

import java.util.ArrayList;
import java.util.List;

/**
 * The log lines of this JVM's test run, as {@link CapturingSlf4jProvider} wrote them: every line
 * of an enabled level, message, arguments, key-value pairs and throwable (with its causes and
 * stack) included. Bounded: past {@value #MAX_LINES} lines nothing more is kept and
 * {@link #overflowed()} turns true, which the check reports as a failure rather than pass
 * unchecked. Thread-safe.
 */
public final class CapturedLog {
    /** The most lines kept for one run. */
    public static final int MAX_LINES = 1_000_000;

    /** One captured line: its level, logger, thread and full text. */
    public record Line(String level, String logger, String thread, String text) {
        /** The line as slf4j-simple prints it (without the stack trace). */
        public String header() {
            return "[" + thread + "] " + level + " " + logger;
        }
    }

    private static final List<Line> LINES = new ArrayList<>();
    private static boolean overflowed;

    private CapturedLog() {
    }

    static synchronized void add(Line line) {
        if (LINES.size() >= MAX_LINES) {
            overflowed = true;
            return;
        }
        LINES.add(line);
    }

    /** How many lines were captured so far. */
    public static synchronized int size() {
        return LINES.size();
    }

    /** The lines captured from position {@code from} on (0 for all), as a copy. */
    public static synchronized List<Line> from(int from) {
        return new ArrayList<>(LINES.subList(Math.min(from, LINES.size()), LINES.size()));
    }

    /** Whether lines were dropped because the run logged more than {@value #MAX_LINES}. */
    public static synchronized boolean overflowed() {
        return overflowed;
    }
}
