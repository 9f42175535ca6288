package dev.baton.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The table printer reads a JMH JSON file as JMH writes it and gives each row the verdict its error bars allow. */
class ResultsTableTest {

    @Test
    void aThroughputRowIsMetWhenTheWholeIntervalIsAboveTheGoal() throws Exception {
        String table = render(thrpt("FilterBenchmark.withFilter", 9.6, 0.1), thrpt("FilterBenchmark.withoutFilter", 10, 0.1));

        assertThat(row(table, "8")).endsWith("| 0.96× (0.94–0.98) | ≥ 0.90× | met |");
    }

    @Test
    void aThroughputRowIsMissedWhenTheWholeIntervalIsBelowTheGoal() throws Exception {
        String table = render(thrpt("FilterBenchmark.withFilter", 7, 0.1), thrpt("FilterBenchmark.withoutFilter", 10, 0.1));

        assertThat(row(table, "8")).endsWith("| missed |");
    }

    @Test
    void aRowWhoseErrorBarsStraddleTheGoalIsInconclusive() throws Exception {
        String table = render(thrpt("FilterBenchmark.withFilter", 9.2, 1), thrpt("FilterBenchmark.withoutFilter", 10, 1));

        assertThat(row(table, "8")).endsWith("| inconclusive (error bars straddle the goal) |");
    }

    @Test
    void averageTimeScoresAreComparedAsThroughput() throws Exception {
        // 50 µs against Nimbus' 60 µs: 1.2 times Nimbus' throughput.
        String table = render(avgt("ValidationBenchmark.batonFresh", 50, 0.5),
                avgt("ValidationBenchmark.nimbus", 60, 0.5));

        assertThat(row(table, "1a")).contains("| 1.20× (").endsWith("| ≥ 1.10× | met |");
    }

    @Test
    void aTimeRatioRowIsMetWhenBatonTakesAtMostTheGoalTimesTheBaseline() throws Exception {
        String table = render(avgt("SharedCacheBenchmark.sharedHit", 110, 2), avgt("SharedCacheBenchmark.rawGet", 100, 2));

        assertThat(row(table, "12a")).contains("| 1.10× (").endsWith("| ≤ 1.30× | met |");
    }

    @Test
    void anOverheadRowSubtractsTheBaselineAndItsErrors() throws Exception {
        String table = render(avgt("InterceptorBenchmark.withInterceptor", 1.8, 0.1),
                avgt("InterceptorBenchmark.withoutInterceptor", 0.1, 0.01));

        assertThat(row(table, "7")).contains("| overhead 1.70 µs (1.59–1.81) | ≤ 2.00 µs | met |");
    }

    @Test
    void theDPoPProofGoalIsAbsolute() throws Exception {
        String table = render(avgt("DPoPBenchmark.es256Proof", 556, 90), avgt("DPoPBenchmark.jcaEs256Signature", 496, 17));

        assertThat(row(table, "13a")).contains("| 556 ± 90.0 us/op | 496 ± 17.0 us/op |").endsWith("| ≤ 60.0 µs | missed |");
    }

    @Test
    void aRowWithoutAGoalIsReported() throws Exception {
        String table = render(thrpt("EndToEndBenchmark.batonOnDPoP", 0.2, 0.01),
                thrpt("EndToEndBenchmark.batonOff", 0.4, 0.01));

        assertThat(row(table, "9'")).endsWith("| reported | reported |");
    }

    @Test
    void withOneIterationTheVerdictSaysThereIsNoErrorBar() throws Exception {
        String table = render(thrpt("FilterBenchmark.withFilter", 9.6, Double.NaN),
                thrpt("FilterBenchmark.withoutFilter", 10, Double.NaN));

        assertThat(row(table, "8")).endsWith("| met (no error bar: one iteration) |");
    }

    @Test
    void parameterisedBenchmarksAreReadByTheirParameters() throws Exception {
        String table = render(avgt("ExchangeBenchmark.cachedExchange", "{\"audit\":\"slf4j\"}", 1.4, 0.1),
                avgt("ExchangeBenchmark.cachedExchange", "{\"audit\":\"none\"}", 0.5, 0.05));

        assertThat(row(table, "4a")).startsWith("| 4a | Exchange on a cache hit (audit none)").contains("0.50 ± 0.050")
                .endsWith("| met |");
        assertThat(row(table, "4a'")).endsWith("| missed |");
    }

    @Test
    void aRowWhoseBenchmarksAreMissingIsNotMeasured() throws Exception {
        String table = render(thrpt("FilterBenchmark.withFilter", 9.6, 0.1));

        assertThat(row(table, "8")).endsWith("| ≥ 0.90× | not measured in this run |");
    }

    @Test
    void benchmarksNoRowReadsAreListedAsOtherFigures() throws Exception {
        String table = render(avgt("DPoPBenchmark.es384Proof", 700, 10), avgt("DPoPBenchmark.es256Proof", 556, 90));

        assertThat(table).contains("Other figures of this run")
                .contains("- `DPoPBenchmark.es384Proof`: 700 ± 10.0 us/op")
                .doesNotContain("- `DPoPBenchmark.es256Proof`:");
    }

    @Test
    void theBouncyCastleProofHasARowOfItsOwn() throws Exception {
        String table = render(avgt("DPoPBenchmark.es256ProofBouncyCastle", 90, 5),
                avgt("DPoPBenchmark.bcEs256Signature", 80, 5));

        assertThat(row(table, "13a'")).contains("| 90.0 ± 5.00 us/op | 80.0 ± 5.00 us/op |")
                .endsWith("| ≤ 60.0 µs | missed |");
        assertThat(table).doesNotContain("- `DPoPBenchmark.es256ProofBouncyCastle`:");
    }

    @Test
    void theConscryptProofHasARowOfItsOwn() throws Exception {
        String table = render(avgt("DPoPBenchmark.es256ProofConscrypt", 30, 2),
                avgt("DPoPBenchmark.conscryptEs256Signature", 21, 1));

        assertThat(row(table, "13a''")).contains("| 30.0 ± 2.00 us/op | 21.0 ± 1.00 us/op |")
                .endsWith("| ≤ 60.0 µs | met |");
        assertThat(table).doesNotContain("- `DPoPBenchmark.es256ProofConscrypt`:");
    }

    @Test
    void theFleetRowIsMetOnlyWhenEveryShotCountedExactlyAThousandCalls() throws Exception {
        String exact = render(shots("FleetBenchmark.thousandUsersOnFourReplicas", "tokenEndpointCalls", 1000, 1000));
        String over = render(shots("FleetBenchmark.thousandUsersOnFourReplicas", "tokenEndpointCalls", 1000, 1001));

        assertThat(row(exact, "12b")).contains("1,000 in each of 2 shots").endsWith("| met |");
        assertThat(row(over, "12b")).contains("1,000 to 1,001 over 2 shots").endsWith("| missed |");
    }

    @Test
    void theCacheMissRowComparesPercentilesWithTheirSpreadBetweenIterations() throws Exception {
        String table = render(sample("CacheMissBenchmark.batonMiss", 1100, 1000, 1200),
                sample("CacheMissBenchmark.rawPost", 1000, 950, 1050));

        assertThat(row(table, "5a")).contains("p50 1100 us (iterations 1000–1200)")
                .endsWith("| inconclusive (iteration spread straddles the goal) |");
    }

    @Test
    void theHeapRowReadsTheProbesOutput() throws Exception {
        String table = ResultsTable.render(ResultsTable.Results.parse("[]",
                Map.of("beyondTokenCharacters", "436", "entries", "100000", "bytesPerEntry", "452")));

        assertThat(row(table, "10")).contains("436 B (100000 entries, 452 B each in all)").endsWith("| ≤ 512 B | met |");
    }

    @Test
    void everyRowIsPrintedEvenFromAnEmptyFile() throws Exception {
        String table = render();

        assertThat(table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| Row")).count())
                .isEqualTo(ResultsTable.ROWS.size());
    }

    // ---------------------------------------------------------------- JMH JSON, as JMH 1.37 writes it

    private static String render(String... results) throws Exception {
        return ResultsTable.render(ResultsTable.Results.parse("[" + String.join(",", results) + "]", Map.of()));
    }

    private static String row(String table, String id) {
        return table.lines().filter(l -> l.startsWith("| " + id + " |")).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + id + " in\n" + table));
    }

    private static String thrpt(String benchmark, double score, double error) {
        return result(benchmark, "thrpt", null, score, error, "ops/ms", "");
    }

    private static String avgt(String benchmark, double score, double error) {
        return avgt(benchmark, null, score, error);
    }

    private static String avgt(String benchmark, String params, double score, double error) {
        return result(benchmark, "avgt", params, score, error, "us/op", "");
    }

    private static String shots(String benchmark, String counter, int... counts) {
        String raw = Arrays.stream(counts).mapToObj(c -> "[" + c + "]").collect(Collectors.joining(","));
        return result(benchmark, "ss", null, 2000, 500, "ms/op", ",\"secondaryMetrics\":{\"" + counter
                + "\":{\"score\":1000,\"scoreError\":0,\"scoreUnit\":\"#\",\"rawData\":[" + raw + "]}}");
    }

    /** A sample-time result with two iterations whose medians are {@code low} and {@code high}. */
    private static String sample(String benchmark, double median, double low, double high) {
        String histograms = "[[[[" + low + ",10]],[[" + high + ",10]]]]";
        return "{\"jmhVersion\":\"1.37\",\"benchmark\":\"dev.baton.benchmarks." + benchmark + "\",\"mode\":\"sample\","
                + "\"threads\":1,\"forks\":1,\"jdkVersion\":\"17\",\"vmName\":\"OpenJDK\",\"vmVersion\":\"17\","
                + "\"warmupIterations\":1,\"warmupTime\":\"1 s\",\"measurementIterations\":2,\"measurementTime\":\"1 s\","
                + "\"primaryMetric\":{\"score\":" + median + ",\"scoreError\":\"NaN\",\"scoreUnit\":\"us/op\","
                + "\"scorePercentiles\":{\"50.0\":" + median + ",\"99.0\":" + high + "},\"rawDataHistogram\":"
                + histograms + "}}";
    }

    private static String result(String benchmark, String mode, String params, double score, double error,
            String unit, String extra) {
        String err = Double.isNaN(error) ? "\"NaN\"" : Double.toString(error);
        return "{\"jmhVersion\":\"1.37\",\"benchmark\":\"dev.baton.benchmarks." + benchmark + "\",\"mode\":\"" + mode
                + "\",\"threads\":2,\"forks\":2,\"jdkVersion\":\"17\",\"vmName\":\"OpenJDK\",\"vmVersion\":\"17\","
                + "\"warmupIterations\":2,\"warmupTime\":\"1 s\",\"measurementIterations\":4,\"measurementTime\":\"1 s\""
                + (params == null ? "" : ",\"params\":" + params)
                + ",\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":" + err + ",\"scoreUnit\":\"" + unit
                + "\",\"rawData\":[[" + score + "]]}" + extra + "}";
    }
}
