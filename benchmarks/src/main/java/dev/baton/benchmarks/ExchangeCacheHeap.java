package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeCacheStats;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.management.ObjectName;

/**
 * Issue 11, row 10: the heap a cached exchanged token costs. Not a JMH benchmark: it fills one
 * exchanger's cache with N distinct users (default 100,000; first argument) through a Jetty token
 * endpoint on loopback, and compares the used heap ({@link MemoryMXBean}) before and after, each
 * read after repeated {@link System#gc()} until it settles. Each exchanged token is a distinct
 * 16-character string, so the characters are small and exactly known; the result gives bytes per
 * entry in all and beyond those characters, on one line of {@code key=value} pairs that
 * {@link ResultsTable} reads.
 *
 * <p>Everything the caller keeps anyway (the subject tokens, the requests) is created before the
 * first reading. The subject tokens are {@link ValidatedToken}s as the validator hands them over
 * (claims with an {@code exp} two hours ahead, their hash computed as the validator's are), not signed: signing 100,000 RSA tokens would take
 * minutes and changes nothing in the cache. A warm-up fill of {@value #WARM_UP} users comes first, so
 * class loading and JIT work are not counted. Run it with {@code -XX:+UseSerialGC} for the most
 * stable readings: then the figure repeats to within a few bytes per entry, on a busy machine too
 * (it counts bytes, not time).
 *
 * <p>With {@code -Dbaton.heap.histogram=true} it also prints, per class, how many bytes per entry
 * the fill added (the JVM's class histogram of live objects, before and after): where the bytes go.
 */
public final class ExchangeCacheHeap {
    private static final int WARM_UP = 2_000;
    /** Exchanges in flight at once while filling (the endpoint answers on loopback). */
    private static final int IN_FLIGHT = 32;

    private ExchangeCacheHeap() {
    }

    /**
     * Runs the measurement and prints the result.
     *
     * @param args optional: the number of users N
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        boolean histogram = Boolean.getBoolean("baton.heap.histogram");
        TokenEndpointServlet endpoint = new TokenEndpointServlet();
        try (LoopbackJetty jetty = LoopbackJetty.start("/token", endpoint, null)) {
            TokenExchanger exchanger = TokenExchanger.builder()
                    .tokenEndpoint(jetty.uri("/token"))
                    .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "benchmark-secret"))
                    .auditListener(AuditListener.none())
                    .maximumCacheSize(WARM_UP + n)
                    .build();
            try {
                List<ExchangeRequest> warmUp = requests("warm-", WARM_UP);
                List<ExchangeRequest> measured = requests("user-", n);

                fill(exchanger, warmUp);
                long before = settledUsedHeap();
                Map<String, long[]> classesBefore = histogram ? classHistogram() : Map.of();

                fill(exchanger, measured);
                long after = settledUsedHeap();
                Map<String, long[]> classesAfter = histogram ? classHistogram() : Map.of();

                ExchangeCacheStats stats = exchanger.cacheStats();
                if (stats.loads() != WARM_UP + n || stats.evictions() != 0 || endpoint.calls() != WARM_UP + n) {
                    throw new IllegalStateException("expected " + (WARM_UP + n) + " cached tokens, got " + stats);
                }
                double perEntry = (after - before) / (double) n;
                System.out.printf(Locale.ROOT, "entries=%d heapBefore=%d heapAfter=%d delta=%d bytesPerEntry=%.0f"
                        + " beyondTokenCharacters=%.0f%n", n, before, after, after - before, perEntry, perEntry - 16);
                if (histogram) {
                    printDelta(classesBefore, classesAfter, n);
                }
                // Keeps the exchanger, its cache and the requests reachable until after the last reading.
                java.lang.ref.Reference.reachabilityFence(warmUp);
                java.lang.ref.Reference.reachabilityFence(measured);
            } finally {
                exchanger.close();
            }
        }
    }

    private static List<ExchangeRequest> requests(String prefix, int count) {
        Instant exp = Instant.now().plusSeconds(7200);
        List<ExchangeRequest> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String subject = prefix + i;
            ValidatedToken token = ValidatedToken.of("subject-token-of-" + subject,
                    Map.of("sub", subject, "exp", exp, "scope", "mcp:tools:call", "client_id", "mcp-client"));
            // A validator's token carries the hash it computed; the cache keys by that hash, so it is
            // the caller's, not the cache's, and is made now, before the first reading.
            token.fingerprint();
            // The scope the endpoint grants (Fixtures.tokenResponse), asked for as the example asks for its own.
            out.add(ExchangeRequest.builder().subjectToken(token).audience(Fixtures.BACKEND).scopes("orders:read")
                    .build());
        }
        return out;
    }

    /** Exchanges every request, {@value #IN_FLIGHT} at a time; the tokens are dropped, the cache keeps them. */
    private static void fill(TokenExchanger exchanger, List<ExchangeRequest> requests) {
        List<CompletableFuture<ExchangedToken>> batch = new ArrayList<>(IN_FLIGHT);
        for (ExchangeRequest r : requests) {
            batch.add(exchanger.exchangeAsync(r));
            if (batch.size() == IN_FLIGHT) {
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
                batch.clear();
            }
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
    }

    /** Used heap after GC, repeated until two consecutive readings agree within 4 KB (at most 20 rounds). */
    private static long settledUsedHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(50);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < 4096) {
                return used;
            }
            last = used;
        }
        return last;
    }

    /** The JVM's histogram of live objects ({@code jcmd GC.class_histogram}): class → {instances, bytes}. */
    private static Map<String, long[]> classHistogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return out;
    }

    private static void printDelta(Map<String, long[]> before, Map<String, long[]> after, int n) {
        List<Map.Entry<String, long[]>> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            if (Math.abs(d[1]) >= n) {
                rows.add(Map.entry(e.getKey(), d));
            }
        }
        rows.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        System.out.println("per entry: bytes  instances  class");
        for (Map.Entry<String, long[]> e : rows) {
            System.out.printf(Locale.ROOT, "  %6.1f  %6.2f  %s%n", e.getValue()[1] / (double) n,
                    e.getValue()[0] / (double) n, e.getKey());
        }
    }
}
