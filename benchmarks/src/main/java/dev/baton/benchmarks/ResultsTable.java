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

    /** Reads the file named by the first argument and prints the table as Markdown. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ResultsTable <jmh-results.json>");
            System.exit(2);
        }
        List<Object> results = JSONArrayUtils.parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        System.out.print(render(results));
    }

    static String render(List<Object> results) {
        List<String[]> rows = new ArrayList<>();
        ratio(rows, results, "1a", "Fresh RS256 validation vs raw Nimbus (throughput ratio)",
                "ValidationBenchmark.batonFresh", "ValidationBenchmark.nimbus", 1.1);
        ratio(rows, results, "1b", "Fresh RS256 validation vs bare JCA verify",
                "ValidationBenchmark.batonFresh", "ValidationBenchmark.jcaVerify", 0.85);
        missing(rows, "1c", "Fresh RS256 validation vs Spring NimbusJwtDecoder", "≥ 1.1×");
        ratio(rows, results, "2a", "Fresh ES256 validation vs raw Nimbus",
                "ValidationBenchmark.es256BatonFresh", "ValidationBenchmark.es256Nimbus", 1.1);
        ratio(rows, results, "2b", "Fresh ES256 validation vs bare JCA verify",
                "ValidationBenchmark.es256BatonFresh", "ValidationBenchmark.es256JcaVerify", 0.85);
        missing(rows, "2c", "Fresh ES256 validation vs Spring NimbusJwtDecoder", "≥ 1.1×");
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
        missing(rows, "5", "Cache-miss exchange vs raw JDK HttpClient POST (Jetty, p50/p99)", "≤ 1.2×");
        missing(rows, "6", "Single-flight: 64 threads, 1,000 users, 100,000 calls", "exactly 1,000 endpoint calls");
        atMost(rows, results, "7", "TokenExchangeInterceptor overhead on a cache hit (with − without)",
                find(results, "InterceptorBenchmark.withInterceptor", null, null),
                find(results, "InterceptorBenchmark.withoutInterceptor", null, null), true, 2.0);
        missing(rows, "8", "BearerTokenFilter on Jetty vs the servlet without it", "≥ 0.9×");
        missing(rows, "9", "MCP tools/call end to end vs Baton off", "≥ 0.85×");
        String[] heap = {"10", "Heap per cached exchanged token (ExchangeCacheHeap, not JMH)", "not in this run",
                "", "", "≤ 512 B", "not measured in this run"};
        rows.add(heap);

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
