package dev.baton.internal;

import java.time.Duration;
import java.time.Instant;

/** Cache expiry arithmetic that cannot overflow. Not API. */
public final class Nanos {
    /** The longest any Baton cache keeps an entry, whatever its expiry says. */
    public static final Duration MAX_CACHE_LIFETIME = Duration.ofDays(1);

    private Nanos() {
    }

    /**
     * Nanoseconds from {@code now} until {@code end}, at least 0 and at most
     * {@link #MAX_CACHE_LIFETIME}: a token expiring in the year 2500 must not overflow
     * {@link Duration#toNanos()} (about 292 years).
     */
    public static long untilCapped(Instant now, Instant end) {
        if (!end.isAfter(now)) {
            return 0;
        }
        Instant cap = now.plus(MAX_CACHE_LIFETIME);
        return Duration.between(now, end.isBefore(cap) ? end : cap).toNanos();
    }

    /** {@code d} in nanoseconds, saturating at {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} instead of throwing. */
    public static long saturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
