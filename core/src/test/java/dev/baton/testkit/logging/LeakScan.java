package dev.baton.testkit.logging;

import dev.baton.ValidatedToken;
import dev.baton.testkit.IssuedSecrets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds captured lines that contain a secret. Every secret is indexed by a rolling hash of its
 * first {@value IssuedSecrets#MIN_LENGTH} characters, so a run's lines are read once whatever the
 * number of secrets (a naive {@code contains} per pair would be lines times secrets). A leak is
 * described by the line's logger, level and thread and the secret's fingerprint, never the secret.
 */
public final class LeakScan {
    private static final int WINDOW = IssuedSecrets.MIN_LENGTH;
    private static final long BASE = 1_000_003L;
    private static final long TOP;

    static {
        long top = 1;
        for (int i = 1; i < WINDOW; i++) {
            top *= BASE;
        }
        TOP = top;
    }

    private LeakScan() {
    }

    /** One line that contains a secret. */
    public record Leak(CapturedLog.Line line, String secretFingerprint) {
        @Override
        public String toString() {
            return line.header() + " contains the secret with fingerprint " + secretFingerprint;
        }
    }

    /** The lines of {@code lines} that contain one of {@code secrets} (each line reported once). */
    public static List<Leak> find(Collection<CapturedLog.Line> lines, Collection<String> secrets) {
        Map<Long, List<String>> byPrefix = new HashMap<>();
        for (String s : secrets) {
            if (s.length() >= WINDOW) {
                byPrefix.computeIfAbsent(hash(s, 0), k -> new ArrayList<>(1)).add(s);
            }
        }
        List<Leak> leaks = new ArrayList<>();
        if (byPrefix.isEmpty()) {
            return leaks;
        }
        for (CapturedLog.Line line : lines) {
            String secret = firstSecretIn(line.text(), byPrefix);
            if (secret == null) {
                secret = firstSecretIn(line.thread(), byPrefix);
            }
            if (secret != null) {
                leaks.add(new Leak(line, ValidatedToken.fingerprintOf(secret)));
            }
        }
        return leaks;
    }

    private static String firstSecretIn(String text, Map<Long, List<String>> byPrefix) {
        int n = text.length();
        if (n < WINDOW) {
            return null;
        }
        long h = hash(text, 0);
        for (int i = 0; ; i++) {
            List<String> candidates = byPrefix.get(h);
            if (candidates != null) {
                for (String s : candidates) {
                    if (text.startsWith(s, i)) {
                        return s;
                    }
                }
            }
            if (i + WINDOW >= n) {
                return null;
            }
            h = (h - text.charAt(i) * TOP) * BASE + text.charAt(i + WINDOW);
        }
    }

    private static long hash(String s, int from) {
        long h = 0;
        for (int i = from; i < from + WINDOW; i++) {
            h = h * BASE + s.charAt(i);
        }
        return h;
    }
}
