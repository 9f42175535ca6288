package dev.baton.benchmarks;

import com.nimbusds.jose.util.JSONArrayUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints issue 11's results table from a JMH JSON result file ({@code -rf json -rff FILE}): for each
 * row, Baton's figure, its baseline from the same run, the ratio, the goal and a verdict. Rows whose
 * benchmarks are not in the file print "not measured yet" (or "not in this run").
 *
 * <p>Verdicts take JMH's 99.9% error bars into account: "met" or "missed" only when the whole
 * interval (Baton ± error against baseline ± error) is on one side of the goal, otherwise
 * "inconclusive (error bars straddle the goal)". With a single measurement iteration JMH reports no
 * error, and the verdict says so.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.baton.benchmarks.ResultsTable benchmarks/target/results.json</pre>
 */
public final class ResultsTable {
    private static final String PKG = "dev.baton.benchmarks.";

    private ResultsTable() {
    }

    /** One JMH primary score: value and 99.9% error (NaN when JMH reports none). */
    record Score(double value, double error, String unit) {
        /** The lower end of the interval, never below zero (JMH's error can exceed a noisy score). */
        double low() {
            return Double.isNaN(error) ? value : Math.max(0, value - error);
        }

        double high() {
            return Double.isNaN(error) ? value : value + error;
        }

        String show() {
            return Double.isNaN(error) ? fmt(value) + " " + unit : fmt(value) + " ± " + fmt(error) + " " + unit;
        }
    }

    /**
     * Reads the JMH result file named by the first argument (and the heap probe's output, when a
     * second argument names it) and prints the run's description and the table as Markdown, ready
     * to paste into {@code benchmarks/RESULTS.md}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ResultsTable <jmh-results.json> [<heap-probe-output>]");
            System.exit(2);
        }
        List<Object> results = JSONArrayUtils.parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        Map<String, String> heap = args.length == 2 ? heapProbe(Path.of(args[1])) : Map.of();
        System.out.print(header(results));
        System.out.print(render(results, heap));
    }

    /** The {@code key=value} pairs the heap probe printed (see {@link ExchangeCacheHeap}). */
    static Map<String, String> heapProbe(Path file) throws java.io.IOException {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            for (String pair : line.trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return out;
    }

    /** Date, machine, JDK and JMH settings of the run, as a Markdown list. */
    @SuppressWarnings("unchecked")
    static String header(List<Object> results) {
        StringBuilder out = new StringBuilder();
        out.append("## This run\n\n");
        out.append("- **Date:** ").append(java.time.LocalDate.now(java.time.ZoneOffset.UTC)).append(" (UTC)\n");
        out.append("- **Machine:** ").append(Runtime.getRuntime().availableProcessors()).append(" cores")
                .append(cpuModel()).append(", ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch"))
                .append('\n');
        String loadStart = System.getProperty("baton.loadAtStart");
        String loadEnd = loadAverage();
        if (loadStart != null || loadEnd != null) {
            out.append("- **Load average** (1, 5, 15 min): ")
                    .append(loadStart == null ? "" : "at the start " + loadStart.trim() + "; ")
                    .append(loadEnd == null ? "" : "at the end " + loadEnd).append('\n');
        }
        if (!results.isEmpty()) {
            Map<String, Object> r = (Map<String, Object>) results.get(0);
            out.append("- **JDK:** ").append(r.get("vmName")).append(' ').append(r.get("vmVersion"))
                    .append(" (").append(r.get("jdkVersion")).append(")\n");
            out.append("- **JMH settings:** ").append(r.get("forks")).append(" fork(s), ")
                    .append(r.get("warmupIterations")).append(" × ").append(r.get("warmupTime"))
                    .append(" warm-up, ").append(r.get("measurementIterations")).append(" × ")
                    .append(r.get("measurementTime")).append(" measurement per benchmark (row 6: one shot per"
                            + " iteration); JMH ").append(r.get("jmhVersion")).append('\n');
        }
        out.append("- **Scores:** JMH's mean ± 99.9% error; ratios are throughput ratios (or, in row 5, latency"
                + " ratios) with the interval the error bars allow in brackets; \"met\" / \"missed\" only when"
                + " that whole interval lies on one side of the goal.\n\n");
        return out.toString();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return " (" + line.substring(line.indexOf(':') + 1).trim() + ")";
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
        return "";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    static String render(List<Object> results) {
        return render(results, Map.of());
    }

    static String render(List<Object> results, Map<String, String> heap) {
        List<String[]> rows = new ArrayList<>();
        ratio(rows, results, "1a", "Fresh RS256 validation vs raw Nimbus (throughput ratio)",
                "ValidationBenchmark.batonFresh", "ValidationBenchmark.nimbus", 1.1);
        ratio(rows, results, "1b", "Fresh RS256 validation vs bare JCA verify",
                "ValidationBenchmark.batonFresh", "ValidationBenchmark.jcaVerify", 0.85);
        ratio(rows, results, "1c", "Fresh RS256 validation vs Spring NimbusJwtDecoder",
                "ValidationBenchmark.batonFresh", "ValidationBenchmark.spring", 1.1);
        ratio(rows, results, "2a", "Fresh ES256 validation vs raw Nimbus",
                "ValidationBenchmark.es256BatonFresh", "ValidationBenchmark.es256Nimbus", 1.1);
        ratio(rows, results, "2b", "Fresh ES256 validation vs bare JCA verify",
                "ValidationBenchmark.es256BatonFresh", "ValidationBenchmark.es256JcaVerify", 0.85);
        ratio(rows, results, "2c", "Fresh ES256 validation vs Spring NimbusJwtDecoder",
                "ValidationBenchmark.es256BatonFresh", "ValidationBenchmark.es256Spring", 1.1);
        ratio(rows, results, "3", "Re-validation, 1,024 tokens in rotation, vs raw Nimbus",
                "RevalidationBenchmark.batonRotation", "RevalidationBenchmark.nimbusRotation", 40);
        atMost(rows, results, "4a", "Exchange on a cache hit (audit none), 1 thread",
                find(results, "ExchangeBenchmark.cachedExchange", "audit", "none"), null, false, 1.0);
        atMost(rows, results, "4a'", "Exchange on a cache hit (audit slf4j, logging off), 1 thread",
                find(results, "ExchangeBenchmark.cachedExchange", "audit", "slf4j"), null, false, 1.0);
        scaling(rows, results, "4b", "Cache-hit throughput, 2 threads vs 1",
                "ExchangeScalingBenchmark.hit2Threads", "ExchangeScalingBenchmark.hit1Thread", 1.6);
        scaling(rows, results, "4c", "Cache-hit throughput, 64 threads vs 1",
                "ExchangeScalingBenchmark.hit64Threads", "ExchangeScalingBenchmark.hit1Thread", 1.6);
        percentile(rows, results, "5a", "Cache-miss exchange vs raw JDK HttpClient POST (Jetty), p50",
                "CacheMissBenchmark.batonMiss", "CacheMissBenchmark.rawPost", 50.0, 1.2);
        percentile(rows, results, "5b", "Cache-miss exchange vs raw JDK HttpClient POST (Jetty), p99",
                "CacheMissBenchmark.batonMiss", "CacheMissBenchmark.rawPost", 99.0, 1.2);
        singleFlight(rows, results);
        atMost(rows, results, "7", "TokenExchangeInterceptor overhead on a cache hit (with − without)",
                find(results, "InterceptorBenchmark.withInterceptor", null, null),
                find(results, "InterceptorBenchmark.withoutInterceptor", null, null), true, 2.0);
        throughput(rows, results, "8", "BearerTokenFilter on Jetty vs the servlet without it (HTTP keep-alive, 2 threads)",
                "FilterBenchmark.withFilter", "FilterBenchmark.withoutFilter", 0.9);
        throughput(rows, results, "9", "MCP tools/call end to end vs the same server with Baton off (2 threads)",
                "EndToEndBenchmark.batonOn", "EndToEndBenchmark.batonOff", 0.85);
        heap(rows, heap);

        StringBuilder out = new StringBuilder();
        out.append("| Row | What | Baton | Baseline (same run) | Ratio | Goal | Verdict |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (String[] r : rows) {
            out.append('|');
            for (String c : r) {
                out.append(' ').append(c).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Average-time rows: ratio of throughputs = baseline time / Baton time, higher is better. */
    private static void ratio(List<String[]> rows, List<Object> results, String row, String what,
            String baton, String baseline, double goal) {
        Score b = find(results, baton, null, null);
        Score n = find(results, baseline, null, null);
        String goalText = "≥ " + fmt(goal) + "×";
        if (b == null || n == null) {
            missing(rows, row, what, goalText);
            return;
        }
        double r = n.value() / b.value();
        double low = n.low() / b.high();
        double high = divide(n.high(), b.low());
        rows.add(new String[] {row, what, b.show(), n.show(), fmt(r) + "× (" + fmt(low) + "–" + fmt(high) + ")",
                goalText, verdict(low >= goal, high < goal, b, n)});
    }

    /** Throughput rows with a baseline: ratio = Baton's throughput / the baseline's, higher is better. */
    private static void throughput(List<String[]> rows, List<Object> results, String row, String what,
            String baton, String baseline, double goal) {
        Score b = find(results, baton, null, null);
        Score n = find(results, baseline, null, null);
        String goalText = "≥ " + fmt(goal) + "×";
        if (b == null || n == null) {
            missing(rows, row, what, goalText);
            return;
        }
        double r = b.value() / n.value();
        double low = b.low() / n.high();
        double high = divide(b.high(), n.low());
        rows.add(new String[] {row, what, b.show(), n.show(), fmt(r) + "× (" + fmt(low) + "–" + fmt(high) + ")",
                goalText, verdict(low >= goal, high < goal, b, n)});
    }

    /**
     * Sample-time rows: Baton's percentile {@code p} over the baseline's, lower is better. JMH gives
     * no error bar for a percentile; the interval here is the spread of that percentile between
     * measurement iterations (each fork's iterations counted separately): lowest Baton over highest
     * baseline to highest Baton over lowest baseline.
     */
    private static void percentile(List<String[]> rows, List<Object> results, String row, String what,
            String baton, String baseline, double p, double goal) {
        double[] b = percentiles(results, baton, p);
        double[] n = percentiles(results, baseline, p);
        String goalText = "≤ " + fmt(goal) + "×";
        if (b == null || n == null) {
            missing(rows, row, what, goalText);
            return;
        }
        double r = b[0] / n[0];
        // The ratio over all samples stays inside the interval, however the iterations spread.
        double low = Math.min(r, b[1] / n[2]);
        double high = Math.max(r, divide(b[2], n[1]));
        boolean oneIteration = b[1] == b[2] || n[1] == n[2];
        String suffix = oneIteration ? " (no spread: one iteration)" : "";
        String verdict = high <= goal ? "met" + suffix : low > goal ? "missed" + suffix
                : "inconclusive (iteration spread straddles the goal)";
        rows.add(new String[] {row, what, showPercentile(p, b), showPercentile(p, n),
                fmt(r) + "× (" + fmt(low) + "–" + fmt(high) + ")", goalText, verdict});
    }

    private static String showPercentile(double p, double[] v) {
        return "p" + (int) p + " " + fmt(v[0]) + " us (iterations " + fmt(v[1]) + "–" + fmt(v[2]) + ")";
    }

    /**
     * Percentile {@code p} of a sample-time benchmark: over all samples (as JMH reports it), and
     * the lowest and highest over single measurement iterations; {@code null} if not in the file.
     */
    @SuppressWarnings("unchecked")
    static double[] percentiles(List<Object> results, String benchmark, double p) {
        for (Object o : results) {
            Map<String, Object> r = (Map<String, Object>) o;
            if (!(PKG + benchmark).equals(r.get("benchmark"))) {
                continue;
            }
            Map<String, Object> m = (Map<String, Object>) r.get("primaryMetric");
            Map<String, Object> ps = (Map<String, Object>) m.get("scorePercentiles");
            double all = number(ps.get(p == 50.0 ? "50.0" : p == 99.0 ? "99.0" : String.valueOf(p)));
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            List<Object> forks = (List<Object>) m.get("rawDataHistogram");
            for (Object fork : forks) {
                for (Object iteration : (List<Object>) fork) {
                    double v = percentileOf((List<Object>) iteration, p);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            return new double[] {all, min, max};
        }
        return null;
    }

    /** Percentile {@code p} of one iteration's histogram ({@code [value, count]} pairs, as JMH writes it). */
    @SuppressWarnings("unchecked")
    private static double percentileOf(List<Object> histogram, double p) {
        List<double[]> bins = new ArrayList<>();
        long total = 0;
        for (Object o : histogram) {
            List<Object> pair = (List<Object>) o;
            double value = number(pair.get(0));
            long count = (long) number(pair.get(1));
            bins.add(new double[] {value, count});
            total += count;
        }
        bins.sort((x, y) -> Double.compare(x[0], y[0]));
        double rank = Math.ceil(p / 100.0 * total);
        long seen = 0;
        for (double[] bin : bins) {
            seen += (long) bin[1];
            if (seen >= rank) {
                return bin[0];
            }
        }
        return bins.isEmpty() ? Double.NaN : bins.get(bins.size() - 1)[0];
    }

    /** Row 6: the shot fails the run unless the endpoint saw exactly one call per user, so presence means 1,000. */
    private static void singleFlight(List<String[]> rows, List<Object> results) {
        String what = "Single-flight: " + SingleFlightBenchmark.THREADS + " threads, "
                + String.format(Locale.ROOT, "%,d", SingleFlightBenchmark.USERS) + " users, "
                + String.format(Locale.ROOT, "%,d", SingleFlightBenchmark.CALLS) + " calls, Jetty token endpoint";
        String goal = "exactly " + String.format(Locale.ROOT, "%,d", SingleFlightBenchmark.USERS) + " endpoint calls";
        Score s = find(results, "SingleFlightBenchmark.shot", null, null);
        if (s == null) {
            missing(rows, "6", what, goal);
            return;
        }
        double perSecond = SingleFlightBenchmark.CALLS / (s.value() / 1000.0);
        rows.add(new String[] {"6", what, s.show() + " per shot = " + String.format(Locale.ROOT, "%,.0f", perSecond)
                + " calls/s", "— (count goal)", String.format(Locale.ROOT, "%,d", SingleFlightBenchmark.USERS)
                + " endpoint calls in every shot", goal, "met (each shot checks the count; a miscount fails the run)"});
    }

    /** Row 10, from the heap probe's output: bytes per cached token beyond its characters. */
    private static void heap(List<String[]> rows, Map<String, String> heap) {
        String what = "Heap per cached exchanged token beyond its characters (ExchangeCacheHeap, not JMH)";
        String beyond = heap.get("beyondTokenCharacters");
        if (beyond == null) {
            rows.add(new String[] {"10", what, "not in this run", "", "", "≤ 512 B",
                    "not measured in this run"});
            return;
        }
        double b = Double.parseDouble(beyond);
        rows.add(new String[] {"10", what, fmt(b) + " B (" + heap.getOrDefault("entries", "?") + " entries, "
                + heap.getOrDefault("bytesPerEntry", "?") + " B each in all)", "— (absolute goal)", "—", "≤ 512 B",
                b <= 512 ? "met" : "missed"});
    }

    /** Throughput rows (ops per time unit): ratio = Baton (more threads) / baseline (one thread). */
    private static void scaling(List<String[]> rows, List<Object> results, String row, String what,
            String more, String one, double goal) {
        Score m = find(results, more, null, null);
        Score o = find(results, one, null, null);
        String goalText = "≥ " + fmt(goal) + "×";
        if (m == null || o == null) {
            missing(rows, row, what, goalText);
            return;
        }
        double r = m.value() / o.value();
        double low = m.low() / o.high();
        double high = divide(m.high(), o.low());
        rows.add(new String[] {row, what, m.show(), o.show() + " (1 thread)",
                fmt(r) + "× (" + fmt(low) + "–" + fmt(high) + ")", goalText, verdict(low >= goal, high < goal, m, o)});
    }

    /** Absolute rows: Baton's time (minus the baseline's, when there is one) at most {@code goal} µs. */
    private static void atMost(List<String[]> rows, List<Object> results, String row, String what, Score b,
            Score base, boolean needsBase, double goal) {
        String goalText = "≤ " + fmt(goal) + " µs";
        if (b == null || (needsBase && base == null)) {
            missing(rows, row, what, goalText);
            return;
        }
        if (!b.unit().equals("us/op") || (base != null && !base.unit().equals("us/op"))) {
            throw new IllegalStateException(row + ": expected us/op, got " + b.unit());
        }
        double v = base == null ? b.value() : b.value() - base.value();
        double low = base == null ? b.low() : b.low() - base.high();
        double high = base == null ? b.high() : b.high() - base.low();
        String value = base == null ? "—" : "overhead " + fmt(v) + " µs (" + fmt(low) + "–" + fmt(high) + ")";
        rows.add(new String[] {row, what, b.show(), base == null ? "— (absolute goal)" : base.show(), value,
                goalText, verdict(high <= goal, low > goal, b, base)});
    }

    /** {@code a / b}, or infinity when the interval's lower end {@code b} reaches zero. */
    private static double divide(double a, double b) {
        return b <= 0 ? Double.POSITIVE_INFINITY : a / b;
    }

    private static String verdict(boolean surelyMet, boolean surelyMissed, Score a, Score b) {
        boolean noError = Double.isNaN(a.error()) || (b != null && Double.isNaN(b.error()));
        String suffix = noError ? " (no error bar: one iteration)" : "";
        if (surelyMet) {
            return "met" + suffix;
        }
        if (surelyMissed) {
            return "missed" + suffix;
        }
        return "inconclusive (error bars straddle the goal)";
    }

    private static void missing(List<String[]> rows, String row, String what, String goal) {
        rows.add(new String[] {row, what, "not measured yet", "", "", goal, "not measured yet"});
    }

    /** The primary score of {@code benchmark} (relative to this package), optionally with one param value. */
    @SuppressWarnings("unchecked")
    static Score find(List<Object> results, String benchmark, String param, String value) {
        for (Object o : results) {
            Map<String, Object> r = (Map<String, Object>) o;
            if (!(PKG + benchmark).equals(r.get("benchmark"))) {
                continue;
            }
            if (param != null) {
                Map<String, Object> params = (Map<String, Object>) r.get("params");
                if (params == null || !value.equals(params.get(param))) {
                    continue;
                }
            }
            Map<String, Object> m = (Map<String, Object>) r.get("primaryMetric");
            return new Score(number(m.get("score")), number(m.get("scoreError")), (String) m.get("scoreUnit"));
        }
        return null;
    }

    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN; // JMH writes "NaN" as a string when it has no error estimate
    }

    private static String fmt(double d) {
        if (Double.isNaN(d)) {
            return "n/a";
        }
        if (Double.isInfinite(d)) {
            return "∞";
        }
        double a = Math.abs(d);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 0.1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, d);
    }
}
