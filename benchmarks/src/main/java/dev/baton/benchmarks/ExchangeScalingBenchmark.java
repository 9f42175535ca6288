package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ExchangedToken;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Issue 11, row 4: throughput of cache-hit exchanges with 1, 2 and 64 threads sharing one
 * {@link TokenExchanger} and one {@link ExchangeRequest} (the hottest possible key: every thread
 * hits the same cache entry). The set-up is {@link ExchangeBenchmark}'s with
 * {@link AuditListener#none()}. JMH reports the total throughput over all threads; the goal is that
 * 2 and 64 threads each reach at least 1.6× the single-thread figure. On a machine with fewer cores
 * than threads the ceiling is the core count (1.6× needs at least two idle cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExchangeScalingBenchmark extends CachedExchangeBenchmark {
    @Override
    protected AuditListener audit() {
        return AuditListener.none();
    }

    /** One thread. */
    @Benchmark
    @Threads(1)
    public ExchangedToken hit1Thread() throws Exception {
        return exchanger.exchange(request);
    }

    /** Two threads on the same exchanger and key. */
    @Benchmark
    @Threads(2)
    public ExchangedToken hit2Threads() throws Exception {
        return exchanger.exchange(request);
    }

    /** 64 threads on the same exchanger and key. */
    @Benchmark
    @Threads(64)
    public ExchangedToken hit64Threads() throws Exception {
        return exchanger.exchange(request);
    }
}
