package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ExchangedToken;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * docs/benchmarks.md "Targets": an exchange served from the cache. A first
 * {@link TokenExchanger#exchange} in set-up fills the cache from a loopback token endpoint that
 * answers exactly once; every measured call is a cache hit for the same {@link ExchangeRequest}
 * (a validated RS256 subject token, audience {@code backend}).
 *
 * <p>{@code audit=none} uses {@link AuditListener#none()}; {@code audit=slf4j} uses the default
 * {@link AuditListener#slf4j()} with the {@code slf4j-nop} binding, i.e. logging off: the audit
 * event is still built, the log line is not (INFO is disabled).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExchangeBenchmark extends CachedExchangeBenchmark {
    /** Which audit listener the exchanger reports to. */
    @Param({"none", "slf4j"})
    public String audit;

    @Override
    protected AuditListener audit() {
        return "slf4j".equals(audit) ? AuditListener.slf4j() : AuditListener.none();
    }

    /** {@code TokenExchanger.exchange(request)} answered from the cache. */
    @Benchmark
    public ExchangedToken cachedExchange() throws Exception {
        return exchanger.exchange(request);
    }
}
