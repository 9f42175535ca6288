package dev.baton.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Rows 8 and 9 measured by work rather than time: the process's CPU time per call of each variant
 * (client, server and backend share the JVM), best of several rounds after a warm-up, then a JFR CPU
 * profile of each variant with every sample given to the code it was running in (Baton, Jetty, the
 * MCP SDK, OkHttp, the JDK's HTTP client, ...), so the difference between Baton on and off can be
 * read part by part. On a machine others use too, the CPU time of this process is stretched far less
 * than its wall-clock time. Not part of the JMH run; see docs/benchmarks.md.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.baton.benchmarks.CpuPerCall filter|endToEnd [rounds] [calls]</pre>
 */
public final class CpuPerCall {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * Who owns a sampled frame, by class-name prefix: the first frame from the top of the stack that
     * matches decides (JDK frames match nothing, so they count for the code that called them).
     */
    private static final Map<String, String> OWNERS = new LinkedHashMap<>();

    static {
        OWNERS.put("dev.baton.benchmarks.", "benchmark client and stubs");
        OWNERS.put("org.openjdk.jmh.", "benchmark client and stubs");
        OWNERS.put("dev.baton.examples.", "example tools and backend client");
        OWNERS.put("dev.baton.", "Baton (with Nimbus, Caffeine)");
        OWNERS.put("com.nimbusds.", "Baton (with Nimbus, Caffeine)");
        OWNERS.put("com.github.benmanes.caffeine.", "Baton (with Nimbus, Caffeine)");
        OWNERS.put("org.eclipse.jetty.", "Jetty");
        OWNERS.put("io.modelcontextprotocol.", "MCP SDK (with Reactor, Jackson)");
        OWNERS.put("reactor.", "MCP SDK (with Reactor, Jackson)");
        OWNERS.put("tools.jackson.", "MCP SDK (with Reactor, Jackson)");
        OWNERS.put("com.fasterxml.jackson.", "MCP SDK (with Reactor, Jackson)");
        OWNERS.put("okhttp3.", "OkHttp");
        OWNERS.put("okio.", "OkHttp");
        OWNERS.put("kotlin.", "OkHttp");
        OWNERS.put("jdk.internal.net.http.", "JDK HttpClient (the benchmark's client)");
        OWNERS.put("java.net.http.", "JDK HttpClient (the benchmark's client)");
    }

    /** One variant of a row: its name and one call. */
    private record Variant(String name, Call call) {
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws Exception;
    }

    private CpuPerCall() {
    }

    /**
     * Runs the variants of row 8 ({@code filter}) or row 9 ({@code endToEnd}) from one thread and
     * prints their CPU time per call and where it went.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: CpuPerCall filter|endToEnd [rounds] [calls per round]");
            System.exit(2);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        switch (args[0]) {
            case "filter" -> {
                FilterBenchmark b = new FilterBenchmark();
                b.setUp();
                try {
                    measure(List.of(new Variant("withFilter", b::withFilter),
                            new Variant("withoutFilter", b::withoutFilter)), rounds, calls);
                } finally {
                    b.tearDown();
                }
            }
            case "endToEnd" -> {
                EndToEndBenchmark b = new EndToEndBenchmark();
                b.setUp();
                try {
                    measure(List.of(new Variant("batonOn", b::batonOn), new Variant("batonOnDPoP", b::batonOnDPoP),
                            new Variant("batonOff", b::batonOff)), rounds, calls);
                } finally {
                    b.tearDown();
                }
            }
            default -> throw new IllegalArgumentException("filter or endToEnd, not " + args[0]);
        }
    }

    private static void measure(List<Variant> variants, int rounds, int calls) throws Exception {
        for (int warm = 0; warm < 3; warm++) {
            for (Variant v : variants) {
                cpuPerCall(v, calls);
            }
        }
        Map<String, Double> best = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (Variant v : variants) {
                best.merge(v.name(), cpuPerCall(v, calls), Math::min);
            }
        }
        System.out.println("Process CPU per call, best of " + rounds + " rounds of " + calls + " calls:");
        for (Map.Entry<String, Double> e : best.entrySet()) {
            System.out.printf(Locale.ROOT, "  %-14s %,8.1f us%n", e.getKey(), e.getValue() / 1000);
        }
        // JFR's first recording starts its machinery: not part of any variant's profile.
        try (Recording first = new Recording()) {
            first.start();
        }
        for (Variant v : variants) {
            profile(v, calls * 5, best.get(v.name()));
        }
    }

    /** Process CPU nanoseconds per call over {@code calls} calls. */
    private static double cpuPerCall(Variant v, int calls) throws Exception {
        long start = OS.getProcessCpuTime();
        for (int i = 0; i < calls; i++) {
            if (v.call().run() == null) {
                throw new IllegalStateException(v.name() + " returned nothing");
            }
        }
        return (OS.getProcessCpuTime() - start) / (double) calls;
    }

    /**
     * A JFR CPU profile of {@code calls} calls of {@code v}: the share of samples by owner, applied to
     * the variant's best CPU time per call ({@code perCall} nanoseconds), and Baton's hottest methods.
     */
    private static void profile(Variant v, int calls, double perCall) throws Exception {
        Path file = Files.createTempFile("cpu-per-call-", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
            recording.start();
            cpuPerCall(v, calls);
            recording.stop();
            recording.dump(file);
        }
        Map<String, Integer> owners = new LinkedHashMap<>();
        Map<String, Integer> batonMethods = new LinkedHashMap<>();
        int total = 0;
        try {
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (e.getStackTrace() == null) {
                    continue;
                }
                RecordedFrame frame = ownerFrame(e.getStackTrace().getFrames());
                String owner = frame == null ? "JDK (threads, sockets, other)" : owner(frame);
                owners.merge(owner, 1, Integer::sum);
                if (owner.startsWith("Baton")) {
                    batonMethods.merge(frame.getMethod().getType().getName() + "." + frame.getMethod().getName(), 1,
                            Integer::sum);
                }
                total++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.printf(Locale.ROOT, "%s: %,.1f us of CPU per call, %d samples; by owner (us per call):%n",
                v.name(), perCall / 1000, total);
        print(owners, total, perCall, Integer.MAX_VALUE);
        if (!batonMethods.isEmpty()) {
            System.out.println("  Baton's methods (the first Baton frame of each sample):");
            print(batonMethods, total, perCall, 12);
        }
    }

    private static void print(Map<String, Integer> counts, int total, double perCall, int limit) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> b.getValue() - a.getValue());
        for (Map.Entry<String, Integer> s : sorted.subList(0, Math.min(limit, sorted.size()))) {
            double share = s.getValue() / (double) total;
            System.out.printf(Locale.ROOT, "  %-70s %5.1f%% %8.1f%n", s.getKey(), share * 100,
                    share * perCall / 1000);
        }
    }

    /** The first frame from the top of the stack whose class has an owner; {@code null} if none has. */
    private static RecordedFrame ownerFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (f.isJavaFrame() && f.getMethod() != null && owner(f) != null) {
                return f;
            }
        }
        return null;
    }

    private static String owner(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        for (Map.Entry<String, String> o : OWNERS.entrySet()) {
            if (type.startsWith(o.getKey())) {
                return o.getValue();
            }
        }
        return null;
    }
}
