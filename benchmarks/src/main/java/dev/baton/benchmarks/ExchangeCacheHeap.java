package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ExchangeCacheStats;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import dev.baton.testkit.TestAuthorizationServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;

/**
 * docs/benchmarks.md "Targets": the heap a cached exchanged token costs. Not a JMH benchmark:
 * it fills one exchanger's cache with N distinct users (default 10,000; first argument) through a
 * loopback token endpoint, and compares the used heap ({@link MemoryMXBean}) before and after, each
 * read after repeated {@link System#gc()} until it settles. Each exchanged token is a distinct
 * 16-character string so the characters are small and exactly known; the report gives bytes per
 * entry in total and beyond those characters.
 *
 * <p>Everything the caller keeps anyway (the subject tokens, the requests) is created before the
 * first reading; the loopback server's record of requests is drained before each reading. The
 * method is imprecise: a GC may leave a few kilobytes of floating garbage or allocation-buffer
 * slack, JIT and class loading during the fill allocate metadata outside the heap but also some
 * heap (hence a warm-up fill before the first reading), and {@code System.gc()} is only a request.
 * With N = 10,000 an error of 100 KB is 10 bytes per entry. Run it with {@code -XX:+UseSerialGC}
 * for the most stable readings.
 */
public final class ExchangeCacheHeap {
    private static final int WARM_UP = 500;

    private ExchangeCacheHeap() {
    }

    /**
     * Runs the measurement and prints the result.
     *
     * @param args optional: the number of users N
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        try (MockWebServer server = Fixtures.loopbackServer()) {
            TestAuthorizationServer as = new TestAuthorizationServer(server);
            AtomicInteger issued = new AtomicInteger();
            // 16 ASCII characters, distinct per call: the exchanged token's characters are 16 bytes (Latin-1 string).
            as.route("/v1/token", r -> TestAuthorizationServer.json(Fixtures.tokenResponse(
                    String.format(Locale.ROOT, "xt-%013d", issued.incrementAndGet()))));
            TokenExchanger exchanger = Fixtures.exchanger(as, AuditListener.none());

            List<ExchangeRequest> warmUp = requests(as, "warm-", WARM_UP);
            List<ExchangeRequest> measured = requests(as, "user-", n);
            List<ExchangedToken> kept = new ArrayList<>(WARM_UP + n);

            fill(exchanger, warmUp, kept);
            kept.clear();
            drain(server);
            long before = settledUsedHeap();

            fill(exchanger, measured, kept);
            kept.clear();
            drain(server);
            long after = settledUsedHeap();

            ExchangeCacheStats stats = exchanger.cacheStats();
            if (stats.loads() != WARM_UP + n || stats.evictions() != 0) {
                throw new IllegalStateException("expected " + (WARM_UP + n) + " cached tokens, got " + stats);
            }
            double perEntry = (after - before) / (double) n;
            System.out.printf(Locale.ROOT, "entries=%d heapBefore=%d heapAfter=%d delta=%d%n", n, before, after,
                    after - before);
            System.out.printf(Locale.ROOT, "bytesPerEntry=%.0f beyondTokenCharacters=%.0f (token: 16 characters)%n",
                    perEntry, perEntry - 16);
            // Keeps the exchanger, its cache and the requests reachable until after the last reading.
            java.lang.ref.Reference.reachabilityFence(exchanger);
            java.lang.ref.Reference.reachabilityFence(warmUp);
            java.lang.ref.Reference.reachabilityFence(measured);
        }
    }

    private static List<ExchangeRequest> requests(TestAuthorizationServer as, String prefix, int count) {
        List<ExchangeRequest> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ValidatedToken subject = Fixtures.validated(Fixtures.accessToken(as, prefix + i));
            out.add(ExchangeRequest.builder().subjectToken(subject).audience(Fixtures.BACKEND).build());
        }
        return out;
    }

    private static void fill(TokenExchanger exchanger, List<ExchangeRequest> requests, List<ExchangedToken> kept)
            throws Exception {
        for (ExchangeRequest r : requests) {
            kept.add(exchanger.exchange(r));
        }
    }

    /** Drops MockWebServer's queue of recorded requests, which would otherwise count as cache heap. */
    private static void drain(MockWebServer server) throws InterruptedException {
        while (server.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
            // each call removes one recorded request
        }
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
}
