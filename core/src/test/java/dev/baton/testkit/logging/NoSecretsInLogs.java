package dev.baton.testkit.logging;

import dev.baton.testkit.IssuedSecrets;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class, and the whole run, when a captured log line contains a secret of
 * {@link IssuedSecrets} (docs/security.md case 34). Registered for every test class by JUnit's
 * extension auto-detection ({@code META-INF/services/org.junit.jupiter.api.extension.Extension} in
 * baton-core's test-jar, enabled with {@code junit.jupiter.extensions.autodetection.enabled=true}
 * in the Surefire configuration):
 * <ul>
 *   <li>before a class, it checks that {@link CapturingSlf4jProvider} is SLF4J's provider, so
 *   a class path that binds another one fails instead of passing unchecked;</li>
 *   <li>after a class, the lines logged since it started are checked against every secret known
 *   then, and the class fails naming the logger, level and thread of each leak;</li>
 *   <li>at the end of the run (the root context's store closes), every line of the run is checked
 *   against every secret, for lines logged late by background threads and secrets issued after
 *   the line was written.</li>
 * </ul>
 * The secret itself is never printed: a leak is shown by its fingerprint.
 */
public final class NoSecretsInLogs implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NoSecretsInLogs.class);
    private static final int MAX_REPORTED = 10;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!(LoggerFactory.getILoggerFactory() instanceof CapturingSlf4jProvider.Factory)) {
            throw new IllegalStateException("SLF4J is not bound to " + CapturingSlf4jProvider.class.getName()
                    + " but to " + LoggerFactory.getILoggerFactory().getClass().getName()
                    + ": log lines would go unchecked (remove the other provider or set -Dslf4j.provider)");
        }
        context.getRoot().getStore(NAMESPACE).computeIfAbsent(EndOfRun.class, k -> new EndOfRun(), EndOfRun.class);
        context.getStore(NAMESPACE).put("from", CapturedLog.size());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Integer from = context.getStore(NAMESPACE).get("from", Integer.class);
        check(CapturedLog.from(from == null ? 0 : from), context.getDisplayName());
    }

    /** Fails with a description of every leak in {@code lines} (at most ten shown). */
    static void check(List<CapturedLog.Line> lines, String where) {
        if (CapturedLog.overflowed()) {
            throw new AssertionError("more than " + CapturedLog.MAX_LINES + " log lines: not all could be checked");
        }
        List<LeakScan.Leak> leaks = LeakScan.find(lines, IssuedSecrets.all());
        if (!leaks.isEmpty()) {
            StringBuilder message = new StringBuilder().append(leaks.size())
                    .append(" log line(s) contain a token or secret (docs/security.md case 34), in ").append(where);
            leaks.stream().limit(MAX_REPORTED).forEach(l -> message.append(System.lineSeparator()).append("  ").append(l));
            throw new AssertionError(message.toString());
        }
    }

    /** The check of the whole run, when JUnit closes the root context's store. */
    private static final class EndOfRun implements AutoCloseable {
        @Override
        public void close() {
            check(CapturedLog.from(0), "the whole test run");
        }
    }
}
