package dev.baton.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.baton.redis.internal.StoredTokenCodec;
import dev.baton.redis.internal.ValueSealer;
import dev.baton.redis.testkit.Fleet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * {@link SharedCacheBenchmark} measured by work instead of time, for a machine where other
 * processes make wall-clock figures noise (benchmarks/RESULTS.md, "Shared cache hit"): the CPU time
 * per operation of the calling thread and of the whole JVM (Lettuce's I/O and the cache's own
 * threads included; redis-server is another process), best of several rounds after a warm-up.
 * Besides {@code sharedHit} and {@code rawGet}: {@code rawGet} with one hand-off of its answer to
 * another thread (the step the cache takes so that nothing runs on a Redis I/O thread), and the
 * value's decryption and decoding alone. Not JMH; run with
 * {@code java -cp benchmarks/target/benchmarks.jar dev.baton.benchmarks.SharedCacheCpu [ops per round]}.
 */
public final class SharedCacheCpu {
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final int ROUNDS = 7;

    private SharedCacheCpu() {
    }

    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        SharedCacheBenchmark b = new SharedCacheBenchmark();
        b.setUp();
        try {
            byte[] value = b.connection.sync().get(b.key);
            ValueSealer sealer = new ValueSealer(Base64.getDecoder().decode(Fleet.SECRET));
            String token = Fleet.userToken(1);
            byte[] plaintext = sealer.open(value, token, b.key);
            System.out.printf("value: %d bytes%n", value.length);
            // Round trips: the commands Redis served for 1,000 hits (INFO commandstats before and after).
            String before = b.connection.sync().info("commandstats");
            for (int i = 0; i < 1000; i++) {
                b.sharedHit();
            }
            String after = b.connection.sync().info("commandstats");
            System.out.printf("commands for 1,000 hits: %s%n", commandsBetween(before, after));
            for (int pass = 0; pass < 2; pass++) {
                measure("sharedHit", b::sharedHit, ops);
                measure("rawGet", b::rawGet, ops);
                measure("rawGet + one hand-off", () -> {
                    CompletableFuture<byte[]> answer = new CompletableFuture<>();
                    b.connection.async().get(b.key).whenComplete((v, e) ->
                            b.rawResources.eventExecutorGroup().execute(() -> answer.complete(v)));
                    return answer.join();
                }, ops);
                measure("part: open (HKDF + AES-GCM)", () -> sealer.open(value, token, b.key), ops);
                measure("part: decode", () -> StoredTokenCodec.decode(plaintext), ops);
            }
        } finally {
            b.tearDown();
        }
    }

    /** Commands counted in {@code after} but not in {@code before}, such as {@code get=1000}, minus the INFO itself. */
    private static String commandsBetween(String before, String after) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (String line : after.split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring(8, line.indexOf(':'));
                counts.put(name, calls(line) - calls(before.lines().filter(l -> l.startsWith("cmdstat_" + name + ":"))
                        .findFirst().orElse("calls=0,")));
            }
        }
        counts.merge("info", -1L, Long::sum);
        counts.values().removeIf(n -> n == 0);
        return counts.toString();
    }

    private static long calls(String line) {
        int at = line.indexOf("calls=") + 6;
        return Long.parseLong(line.substring(at, line.indexOf(',', at)));
    }

    private interface Op {
        Object run() throws Exception;
    }

    private static void measure(String name, Op op, int ops) throws Exception {
        for (int i = 0; i < 3 * ops; i++) {
            op.run();
        }
        long thread = Long.MAX_VALUE;
        long process = Long.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = THREAD.getCurrentThreadCpuTime();
            long p0 = PROCESS.getProcessCpuTime();
            for (int i = 0; i < ops; i++) {
                op.run();
            }
            thread = Math.min(thread, THREAD.getCurrentThreadCpuTime() - t0);
            process = Math.min(process, PROCESS.getProcessCpuTime() - p0);
        }
        System.out.printf("%-30s caller %7.2f us/op   process %7.2f us/op%n", name, thread / 1000.0 / ops,
                process / 1000.0 / ops);
    }
}
