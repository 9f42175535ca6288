package dev.baton.benchmarks;

import com.nimbusds.jose.util.JSONArrayUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prints the results table of docs/benchmarks.md from a JMH JSON result file ({@code -rf json -rff
 * FILE}) and the heap probe's output: for each row, Baton's figure, its baseline from the same run,
 * the ratio, the goal and a verdict; then every benchmark of the file that no row reads, under
 * "Other figures", so that a renamed or added benchmark is never silently dropped. Rows whose
 * benchmarks are not in the file print "not measured".
 *
 * <p>The rows are data ({@link #ROWS}): each names its benchmarks and one of a few kinds of
 * comparison. Verdicts take JMH's 99.9% error bars into account: "met" or "missed" only when the
 * whole interval the error bars allow lies on one side of the goal, otherwise "inconclusive"; with
 * a single measurement iteration JMH reports no error, and the verdict says so. Rows without a goal
 * are "reported".
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.baton.benchmarks.ResultsTable [--heap heap.txt] results.json...</pre>
 */
public final class ResultsTable {
    private static final String PKG = "dev.baton.benchmarks.";
    private static final String INCONCLUSIVE = "inconclusive (error bars straddle the goal)";

    /** Every row of the table, in order. */
    static final List<Row> ROWS = List.of(
            faster("1a", "Fresh RS256 validation vs raw Nimbus (throughput ratio)",
                    "ValidationBenchmark.batonFresh", "ValidationBenchmark.nimbus", 1.1),
            faster("1b", "Fresh RS256 validation vs bare JCA verify",
                    "ValidationBenchmark.batonFresh", "ValidationBenchmark.jcaVerify", 0.85),
            faster("1c", "Fresh RS256 validation vs Spring NimbusJwtDecoder",
                    "ValidationBenchmark.batonFresh", "ValidationBenchmark.spring", 1.1),
            faster("2a", "Fresh ES256 validation vs raw Nimbus",
                    "ValidationBenchmark.es256BatonFresh", "ValidationBenchmark.es256Nimbus", 1.1),
            faster("2b", "Fresh ES256 validation vs bare JCA verify",
                    "ValidationBenchmark.es256BatonFresh", "ValidationBenchmark.es256JcaVerify", 0.85),
            faster("2c", "Fresh ES256 validation vs Spring NimbusJwtDecoder",
                    "ValidationBenchmark.es256BatonFresh", "ValidationBenchmark.es256Spring", 1.1),
            faster("3", "Re-validation, 1,024 tokens in rotation, vs raw Nimbus",
                    "RevalidationBenchmark.batonRotation", "RevalidationBenchmark.nimbusRotation", 40.0),
            new Row("4a", "Exchange on a cache hit (audit none), 1 thread",
                    new AtMost("ExchangeBenchmark.cachedExchange{audit=none}", null, false, 1.0)),
            new Row("4a'", "Exchange on a cache hit (audit slf4j, logging off), 1 thread",
                    new AtMost("ExchangeBenchmark.cachedExchange{audit=slf4j}", null, false, 1.0)),
            faster("4b", "Cache-hit throughput, 2 threads vs 1",
                    "ExchangeScalingBenchmark.hit2Threads", "ExchangeScalingBenchmark.hit1Thread", 1.6),
            faster("4c", "Cache-hit throughput, 64 threads vs 1",
                    "ExchangeScalingBenchmark.hit64Threads", "ExchangeScalingBenchmark.hit1Thread", 1.6),
            new Row("5a", "Cache-miss exchange vs raw JDK HttpClient POST (Jetty), p50",
                    new PercentileRatio("CacheMissBenchmark.batonMiss", "CacheMissBenchmark.rawPost", 50.0, 1.2)),
            new Row("5b", "Cache-miss exchange vs raw JDK HttpClient POST (Jetty), p99",
                    new PercentileRatio("CacheMissBenchmark.batonMiss", "CacheMissBenchmark.rawPost", 99.0, 1.2)),
            new Row("6", "Single-flight: " + SingleFlightBenchmark.THREADS + " threads, "
                    + thousands(SingleFlightBenchmark.USERS) + " users, " + thousands(SingleFlightBenchmark.CALLS)
                    + " calls, Jetty token endpoint",
                    new Shots("SingleFlightBenchmark.shot", null, SingleFlightBenchmark.USERS,
                            SingleFlightBenchmark.CALLS)),
            new Row("7", "TokenExchangeInterceptor overhead on a cache hit (with − without)",
                    new AtMost("InterceptorBenchmark.withInterceptor", "InterceptorBenchmark.withoutInterceptor",
                            true, 2.0)),
            faster("8", "BearerTokenFilter on Jetty vs the servlet without it (HTTP keep-alive, 2 threads)",
                    "FilterBenchmark.withFilter", "FilterBenchmark.withoutFilter", 0.9),
            faster("9", "MCP tools/call end to end, Bearer, vs the same server with Baton off (2 threads)",
                    "EndToEndBenchmark.batonOn", "EndToEndBenchmark.batonOff", 0.85),
            faster("9'", "The same with DPoP as the example ships it (a proof per backend call) vs Baton off",
                    "EndToEndBenchmark.batonOnDPoP", "EndToEndBenchmark.batonOff", null),
            new Row("10", "Heap per cached exchanged token beyond its characters (ExchangeCacheHeap, not JMH)",
                    new Heap(512)),
            new Row("12a", "Shared (Redis) cache hit vs raw Lettuce GET of the same size (time ratio)",
                    new Ratio("SharedCacheBenchmark.sharedHit", "SharedCacheBenchmark.rawGet", 1.3, false)),
            new Row("12b", "Token-endpoint calls, 4 replicas sharing Redis, 1,000 users × 20 calls",
                    new Shots("FleetBenchmark.thousandUsersOnFourReplicas", "tokenEndpointCalls", 1000, 20_000)),
            new Row("12c", "Local hit with the shared cache in place (row 4a: a local hit never reaches Redis)",
                    new AtMost("ExchangeBenchmark.cachedExchange{audit=none}", null, false, null)),
            new Row("13a", "ES256 DPoP proof per outgoing call (baseline: a bare JCA ES256 signature, shown only)",
                    new AtMost("DPoPBenchmark.es256Proof", "DPoPBenchmark.jcaEs256Signature", false, 60.0)),
            new Row("13a'", "The same proof with BouncyCastle as the key's JCA provider (baseline: a bare BouncyCastle"
                    + " ES256 signature, shown only)",
                    new AtMost("DPoPBenchmark.es256ProofBouncyCastle", "DPoPBenchmark.bcEs256Signature", false,
                            60.0)),
            new Row("13a''", "The same proof with Conscrypt (BoringSSL) as the key's JCA provider (baseline: a bare"
                    + " Conscrypt ES256 signature, shown only)",
                    new AtMost("DPoPBenchmark.es256ProofConscrypt", "DPoPBenchmark.conscryptEs256Signature", false,
                            60.0)),
            new Row("13b", "Interceptor overhead on a cache hit with DPoP (with − without)",
                    new AtMost("DPoPBenchmark.interceptorWithDPoP", "DPoPBenchmark.withoutInterceptor", true, null)),
            new Row("13c", "Interceptor overhead on a cache hit with Bearer, same run (with − without)",
                    new AtMost("DPoPBenchmark.interceptorWithBearer", "DPoPBenchmark.withoutInterceptor", true,
                            null)));

    private ResultsTable() {
    }

    /**
     * Reads the JMH result files named by the arguments (one run's groups, see {@code benchmarks/run})
     * and, after {@code --heap}, the heap probe's output, and prints the run's description, the table
     * and the other figures as Markdown, ready to paste into {@code benchmarks/RESULTS.md}.
     */
    public static void main(String[] args) throws Exception {
        List<String> files = new ArrayList<>(List.of(args));
        Map<String, String> heap = Map.of();
        int at = files.indexOf("--heap");
        if (at >= 0 && at + 1 < files.size()) {
            heap = heapProbe(Path.of(files.get(at + 1)));
            files.subList(at, at + 2).clear();
        }
        if (files.isEmpty() || files.contains("--heap")) {
            System.err.println("usage: ResultsTable [--heap <heap-probe-output>] <jmh-results.json>...");
            System.exit(2);
        }
        List<String> texts = new ArrayList<>();
        for (String file : files) {
            texts.add(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        }
        Results results = Results.parse(texts, heap);
        System.out.print(header(results));
        System.out.print(render(results));
    }

    // ---------------------------------------------------------------- the kinds of row

    /** One row: its number, what it measures, and how its cells come from the results. */
    record Row(String id, String what, Comparison comparison) {
    }

    /** How a row reads the results: the benchmarks it uses, and its cells. */
    sealed interface Comparison permits Ratio, PercentileRatio, AtMost, Shots, Heap {
        /** The benchmark keys ({@code Class.method} or {@code Class.method{param=value}}) this row reads. */
        List<String> benchmarks();

        /** Baton, baseline, ratio, goal and verdict; {@code null} when a benchmark is missing. */
        Cells cells(Results results);

        /** The goal as printed. */
        String goalText();
    }

    /** The five figure cells of a row. */
    record Cells(String baton, String baseline, String ratio, String goal, String verdict) {
    }

    /** A throughput row: Baton at least {@code goal} times the baseline's throughput ({@code null}: reported). */
    private static Row faster(String id, String what, String baton, String baseline, Double goal) {
        return new Row(id, what, new Ratio(baton, baseline, goal, true));
    }

    /**
     * Baton against its baseline as a ratio of two mean scores. With {@code higherIsBetter} it is
     * Baton's throughput over the baseline's, at least {@code goal} times; otherwise Baton's time per
     * operation over the baseline's, at most {@code goal} times. Scores in the other mode are
     * inverted (time over time is the inverse of throughput over throughput), so one kind serves every
     * JMH mode.
     */
    record Ratio(String baton, String baseline, Double goal, boolean higherIsBetter) implements Comparison {
        @Override
        public List<String> benchmarks() {
            return List.of(baton, baseline);
        }

        @Override
        public String goalText() {
            return goal == null ? "reported" : (higherIsBetter ? "≥ " : "≤ ") + fmt(goal) + "×";
        }

        @Override
        public Cells cells(Results results) {
            Score b = results.score(baton);
            Score n = results.score(baseline);
            if (b == null || n == null) {
                return null;
            }
            boolean batonOverBaseline = b.isThroughput() == higherIsBetter;
            Interval r = batonOverBaseline ? Interval.quotient(b, n) : Interval.quotient(n, b);
            return new Cells(b.show(), n.show(), r.show("×"), goalText(),
                    verdict(r, goal, higherIsBetter, b.hasNoError() || n.hasNoError()));
        }
    }

    /**
     * A sample-time row: Baton's percentile {@code p} over the baseline's, lower is better. JMH gives
     * no error bar for a percentile; the interval is the spread of that percentile between
     * measurement iterations (each fork's counted separately): lowest Baton over highest baseline to
     * highest Baton over lowest baseline, widened to include the ratio over all samples.
     */
    record PercentileRatio(String baton, String baseline, double p, double goal) implements Comparison {
        @Override
        public List<String> benchmarks() {
            return List.of(baton, baseline);
        }

        @Override
        public String goalText() {
            return "≤ " + fmt(goal) + "×";
        }

        @Override
        public Cells cells(Results results) {
            Percentile b = results.percentile(baton, p);
            Percentile n = results.percentile(baseline, p);
            if (b == null || n == null) {
                return null;
            }
            double r = b.all() / n.all();
            Interval ratio = new Interval(r, Math.min(r, b.lowest() / n.highest()),
                    Math.max(r, divide(b.highest(), n.lowest())));
            boolean oneIteration = b.lowest() == b.highest() || n.lowest() == n.highest();
            String verdict = verdict(ratio, goal, false, oneIteration)
                    .replace(INCONCLUSIVE, "inconclusive (iteration spread straddles the goal)")
                    .replace("no error bar", "no spread");
            return new Cells(b.show(p), n.show(p), ratio.show("×"), goalText(), verdict);
        }
    }

    /**
     * An absolute row: Baton's time per operation in µs, minus the {@code other} benchmark's when
     * {@code subtract} (an overhead), or with the other only shown beside it; at most {@code goal} µs
     * ({@code null}: reported).
     */
    record AtMost(String baton, String other, boolean subtract, Double goal) implements Comparison {
        @Override
        public List<String> benchmarks() {
            return other == null ? List.of(baton) : List.of(baton, other);
        }

        @Override
        public String goalText() {
            return goal == null ? "reported" : "≤ " + fmt(goal) + " µs";
        }

        @Override
        public Cells cells(Results results) {
            Score b = results.score(baton);
            Score o = other == null ? null : results.score(other);
            if (b == null || (other != null && o == null)) {
                return null;
            }
            for (Score s : new Score[] {b, o}) {
                if (s != null && !s.unit().equals("us/op")) {
                    throw new IllegalStateException(baton + ": expected us/op, got " + s.unit());
                }
            }
            Interval v = subtract ? new Interval(b.value() - o.value(), b.low() - o.high(), b.high() - o.low())
                    : new Interval(b.value(), b.low(), b.high());
            String figure = subtract ? "overhead " + v.show(" µs") : "—";
            String baseline = o == null ? "— (absolute goal)" : o.show();
            return new Cells(b.show(), baseline, figure, goalText(),
                    verdict(v, goal, false, b.hasNoError() || (subtract && o.hasNoError())));
        }
    }

    /**
     * A single-shot row with a count goal: every shot must count exactly {@code expected} (the
     * secondary metric {@code counter}, each iteration's value checked; or, without a counter, the
     * benchmark fails its run on a miscount, so a result means every shot counted right); the time
     * per shot gives the calls per second.
     */
    record Shots(String benchmark, String counter, int expected, int callsPerShot) implements Comparison {
        @Override
        public List<String> benchmarks() {
            return List.of(benchmark);
        }

        @Override
        public String goalText() {
            return "exactly " + thousands(expected) + " endpoint calls";
        }

        @Override
        public Cells cells(Results results) {
            Score s = results.score(benchmark);
            if (s == null) {
                return null;
            }
            double seconds = s.value() / (s.unit().startsWith("ms/") ? 1_000.0 : s.unit().startsWith("s/") ? 1 : 1e6);
            String baton = s.show() + " per shot = " + thousands(Math.round(callsPerShot / seconds)) + " calls/s";
            if (counter == null) {
                return new Cells(baton, "— (count goal)", thousands(expected) + " endpoint calls in every shot",
                        goalText(), "met (each shot checks the count; a miscount fails the run)");
            }
            List<Double> counts = results.secondaryRaw(benchmark, counter);
            if (counts.isEmpty()) {
                return new Cells(baton, "— (count goal)", "no " + counter + " figure", goalText(), "not measured");
            }
            double min = counts.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double max = counts.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            String seen = min == max ? thousands(Math.round(min)) + " in each of " + counts.size() + " shots"
                    : thousands(Math.round(min)) + " to " + thousands(Math.round(max)) + " over " + counts.size()
                            + " shots";
            return new Cells(baton, "— (count goal)", seen, goalText(),
                    min == expected && max == expected ? "met" : "missed");
        }
    }

    /** Row 10, from the heap probe's output: bytes per cached token beyond its characters, at most {@code goal}. */
    record Heap(int goal) implements Comparison {
        @Override
        public List<String> benchmarks() {
            return List.of();
        }

        @Override
        public String goalText() {
            return "≤ " + goal + " B";
        }

        @Override
        public Cells cells(Results results) {
            String beyond = results.heap().get("beyondTokenCharacters");
            if (beyond == null) {
                return null;
            }
            double b = Double.parseDouble(beyond);
            return new Cells(fmt(b) + " B (" + results.heap().getOrDefault("entries", "?") + " entries, "
                    + results.heap().getOrDefault("bytesPerEntry", "?") + " B each in all)", "— (absolute goal)", "—",
                    goalText(), b <= goal ? "met" : "missed");
        }
    }

    // ---------------------------------------------------------------- verdicts and figures

    /** A figure with the interval its error bars allow. */
    record Interval(double value, double low, double high) {
        /** {@code a / b}, the interval from the lowest {@code a} over the highest {@code b} and back. */
        static Interval quotient(Score a, Score b) {
            return new Interval(a.value() / b.value(), a.low() / b.high(), divide(a.high(), b.low()));
        }

        String show(String unit) {
            return fmt(value) + unit + " (" + fmt(low) + "–" + fmt(high) + ")";
        }
    }

    /**
     * "met" or "missed" when the whole interval lies on one side of {@code goal}, otherwise
     * inconclusive; "reported" without a goal. A value equal to the goal meets it.
     */
    static String verdict(Interval v, Double goal, boolean higherIsBetter, boolean noErrorBar) {
        if (goal == null) {
            return "reported";
        }
        boolean met = higherIsBetter ? v.low() >= goal : v.high() <= goal;
        boolean missed = higherIsBetter ? v.high() < goal : v.low() > goal;
        String suffix = noErrorBar ? " (no error bar: one iteration)" : "";
        return met ? "met" + suffix : missed ? "missed" + suffix : INCONCLUSIVE;
    }

    /** One JMH primary score: value and 99.9% error (NaN when JMH reports none). */
    record Score(double value, double error, String unit) {
        /** The lower end of the interval, never below zero (JMH's error can exceed a noisy score). */
        double low() {
            return hasNoError() ? value : Math.max(0, value - error);
        }

        double high() {
            return hasNoError() ? value : value + error;
        }

        boolean hasNoError() {
            return Double.isNaN(error);
        }

        /** Whether the unit is operations per time (JMH's throughput mode) rather than time per operation. */
        boolean isThroughput() {
            return unit.startsWith("ops/");
        }

        String show() {
            return hasNoError() ? fmt(value) + " " + unit : fmt(value) + " ± " + fmt(error) + " " + unit;
        }
    }

    /** A percentile over all samples, and its lowest and highest over single measurement iterations. */
    record Percentile(double all, double lowest, double highest) {
        String show(double p) {
            return "p" + (int) p + " " + fmt(all) + " us (iterations " + fmt(lowest) + "–" + fmt(highest) + ")";
        }
    }

    // ---------------------------------------------------------------- rendering

    /** The table, then the figures no row reads. */
    static String render(Results results) {
        StringBuilder out = new StringBuilder();
        out.append("| Row | What | Baton | Baseline (same run) | Ratio | Goal | Verdict |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        Set<String> used = new LinkedHashSet<>();
        for (Row row : ROWS) {
            used.addAll(row.comparison().benchmarks());
            Cells c = row.comparison().cells(results);
            if (c == null) {
                c = new Cells("not measured", "", "", row.comparison().goalText(), "not measured in this run");
            }
            out.append("| ").append(String.join(" | ", row.id(), row.what(), c.baton(), c.baseline(), c.ratio(),
                    c.goal(), c.verdict())).append(" |\n");
        }
        Map<String, Score> others = new TreeMap<>(results.scores());
        others.keySet().removeAll(used);
        if (!others.isEmpty()) {
            out.append("\nOther figures of this run (benchmarks no row reads):\n\n");
            others.forEach((key, score) -> out.append("- `").append(key).append("`: ").append(score.show())
                    .append('\n'));
        }
        return out.toString();
    }

    /** Date, machine, JDK and JMH settings of the run, as a Markdown list. */
    static String header(Results results) {
        StringBuilder out = new StringBuilder();
        out.append("## This run\n\n");
        out.append("- **Date:** ").append(LocalDate.now(ZoneOffset.UTC)).append(" (UTC)\n");
        out.append("- **Machine:** ").append(Runtime.getRuntime().availableProcessors()).append(" cores")
                .append(cpuModel()).append(", ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch"))
                .append('\n');
        String atStart = System.getProperty("baton.loadAtStart", "");
        String atEnd = loadAverage();
        if (!atStart.isBlank() || atEnd != null) {
            out.append("- **Load average** (1, 5, 15 min): ");
            if (!atStart.isBlank()) {
                out.append("at the start ").append(atStart);
            }
            if (atEnd != null) {
                out.append(atStart.isBlank() ? "" : "; ").append("at the end ").append(atEnd);
            }
            out.append('\n');
        }
        if (results.jdk() != null) {
            out.append("- **JDK:** ").append(results.jdk()).append('\n');
        }
        if (!results.settings().isEmpty()) {
            out.append("- **JMH settings** (per benchmark; single-shot rows take one shot per iteration): ")
                    .append(String.join("; ", results.settings())).append('\n');
        }
        out.append("- **Scores:** JMH's mean ± 99.9% error; ratios are throughput ratios (or, in rows 5 and 12a,"
                + " latency ratios) with the interval the error bars allow in brackets; \"met\" / \"missed\" only"
                + " when that whole interval lies on one side of the goal.\n\n");
        return out.toString();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return " (" + line.substring(line.indexOf(':') + 1).trim() + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The {@code key=value} pairs the heap probe printed (see {@link ExchangeCacheHeap}); empty without the file. */
    static Map<String, String> heapProbe(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
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

    /** {@code a / b}, or infinity when the interval's lower end {@code b} reaches zero. */
    private static double divide(double a, double b) {
        return b <= 0 ? Double.POSITIVE_INFINITY : a / b;
    }

    private static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String fmt(double d) {
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

    // ---------------------------------------------------------------- the JMH file

    /**
     * A JMH JSON result file, read once: scores by benchmark key ({@code Class.method}, with
     * {@code {param=value,...}} when the benchmark has parameters), and the heap probe's pairs.
     */
    static final class Results {
        private final Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
        private final Map<String, String> heap;
        private final String jdk;
        private final Set<String> settings = new LinkedHashSet<>();

        private Results(List<Object> json, Map<String, String> heap) {
            this.heap = heap;
            String firstJdk = null;
            for (Object o : json) {
                Map<String, Object> r = map(o);
                byKey.put(key(r), r);
                if (firstJdk == null) {
                    firstJdk = r.get("vmName") + " " + r.get("vmVersion") + " (" + r.get("jdkVersion") + "), JMH "
                            + r.get("jmhVersion");
                }
                settings.add(r.get("forks") + " fork(s), " + r.get("warmupIterations") + " × " + r.get("warmupTime")
                        + " warm-up, " + r.get("measurementIterations") + " × " + r.get("measurementTime")
                        + " measurement (" + r.get("mode") + ")");
            }
            this.jdk = firstJdk;
        }

        /** Parses a JMH JSON result file's text. */
        static Results parse(String json, Map<String, String> heap) throws java.text.ParseException {
            return parse(List.of(json), heap);
        }

        /** Parses the texts of several JMH JSON result files (one run's groups) as one. */
        static Results parse(List<String> jsons, Map<String, String> heap) throws java.text.ParseException {
            List<Object> all = new ArrayList<>();
            for (String json : jsons) {
                all.addAll(JSONArrayUtils.parse(json));
            }
            return new Results(all, heap);
        }

        private static String key(Map<String, Object> r) {
            String name = String.valueOf(r.get("benchmark"));
            String key = name.startsWith(PKG) ? name.substring(PKG.length()) : name;
            Map<String, Object> params = r.get("params") == null ? Map.of() : map(r.get("params"));
            if (params.isEmpty()) {
                return key;
            }
            List<String> pairs = new ArrayList<>();
            new TreeMap<>(params).forEach((k, v) -> pairs.add(k + "=" + v));
            return key + "{" + String.join(",", pairs) + "}";
        }

        Map<String, String> heap() {
            return heap;
        }

        String jdk() {
            return jdk;
        }

        /** Each distinct combination of settings, e.g. {@code 2 fork(s), 2 × 1 s warm-up, 4 × 1 s measurement (thrpt)}. */
        Set<String> settings() {
            return settings;
        }

        /** Every primary score, by key. */
        Map<String, Score> scores() {
            Map<String, Score> out = new LinkedHashMap<>();
            byKey.keySet().forEach(k -> out.put(k, score(k)));
            return out;
        }

        /** The primary score of {@code key}, or {@code null} when the file does not have it. */
        Score score(String key) {
            Map<String, Object> r = byKey.get(key);
            if (r == null) {
                return null;
            }
            Map<String, Object> m = map(r.get("primaryMetric"));
            return new Score(number(m.get("score")), number(m.get("scoreError")), (String) m.get("scoreUnit"));
        }

        /** Every measured value of a secondary metric (each fork's iterations), empty when absent. */
        List<Double> secondaryRaw(String key, String metric) {
            List<Double> out = new ArrayList<>();
            Map<String, Object> r = byKey.get(key);
            Object secondary = r == null ? null : r.get("secondaryMetrics");
            Object m = secondary == null ? null : map(secondary).get(metric);
            if (m == null) {
                return out;
            }
            for (Object fork : list(map(m).get("rawData"))) {
                for (Object v : list(fork)) {
                    out.add(number(v));
                }
            }
            return out;
        }

        /** Percentile {@code p} of a sample-time benchmark, or {@code null} when the file does not have it. */
        Percentile percentile(String key, double p) {
            Map<String, Object> r = byKey.get(key);
            if (r == null) {
                return null;
            }
            Map<String, Object> m = map(r.get("primaryMetric"));
            double all = number(map(m.get("scorePercentiles")).get(String.valueOf(p)));
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Object fork : list(m.get("rawDataHistogram"))) {
                for (Object iteration : list(fork)) {
                    double v = percentileOf(list(iteration), p);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            return new Percentile(all, min, max);
        }

        /** Percentile {@code p} of one iteration's histogram ({@code [value, count]} pairs, as JMH writes it). */
        private static double percentileOf(List<Object> histogram, double p) {
            TreeMap<Double, Long> bins = new TreeMap<>();
            long total = 0;
            for (Object o : histogram) {
                List<Object> pair = list(o);
                long count = (long) number(pair.get(1));
                bins.merge(number(pair.get(0)), count, Long::sum);
                total += count;
            }
            double rank = Math.ceil(p / 100.0 * total);
            long seen = 0;
            for (Map.Entry<Double, Long> bin : bins.entrySet()) {
                seen += bin.getValue();
                if (seen >= rank) {
                    return bin.getKey();
                }
            }
            return bins.isEmpty() ? Double.NaN : bins.lastKey();
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> map(Object o) {
            return (Map<String, Object>) o;
        }

        @SuppressWarnings("unchecked")
        private static List<Object> list(Object o) {
            return (List<Object>) o;
        }

        private static double number(Object o) {
            // JMH writes "NaN" as a string when it has no error estimate.
            return o instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }
}
