package dev.baton.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import java.util.Set;

/**
 * Tells Jazzer's server-side request forgery detector which connections are expected: the fuzz
 * targets' own loopback servers. Any other connection the code under test opens (a host named in a
 * fuzzed document, say) is still reported as a finding.
 */
final class LoopbackOnly {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    private LoopbackOnly() {
    }

    /**
     * Allows connections to loopback hosts, for every thread (the JDK client connects on its own).
     * Called at the start of each input: Jazzer resets the setting when fuzzing begins.
     */
    static void allow() {
        // Not closed: the setting is meant to hold while the input runs, whichever thread connects.
        BugDetectors.allowNetworkConnections((host, port) -> host != null && LOOPBACK.contains(host));
    }
}
