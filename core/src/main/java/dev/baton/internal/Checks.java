package dev.baton.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The argument and state checks every Baton builder uses, so each rule fails with the same kind
 * of exception and a message that names the setting. Builders call {@code require*} in their
 * setters (bad values fail at once, with {@link IllegalArgumentException}) and {@link #requireState}
 * in {@code build()} (a missing or inconsistent combination, {@link IllegalStateException}). Not API.
 */
public final class Checks {
    private Checks() {
    }

    /**
     * @throws IllegalArgumentException with {@code message} unless {@code condition} holds
     */
    public static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * @throws IllegalStateException with {@code message} unless {@code condition} holds
     */
    public static void requireState(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    /**
     * {@code value}, checked to be in {@code [min, max]}.
     *
     * @throws IllegalArgumentException naming {@code what} and the range otherwise
     */
    public static int requireBetween(int value, int min, int max, String what) {
        requireArgument(value >= min && value <= max,
                what + " must be between " + min + " and " + max + ", not " + value);
        return value;
    }

    /**
     * {@code value}, checked to be in {@code [min, max]}.
     *
     * @throws IllegalArgumentException naming {@code what} and the range otherwise
     */
    public static long requireBetween(long value, long min, long max, String what) {
        requireArgument(value >= min && value <= max,
                what + " must be between " + min + " and " + max + ", not " + value);
        return value;
    }

    /**
     * {@code d}, checked to be strictly positive.
     *
     * @throws NullPointerException naming {@code what} if it is null
     * @throws IllegalArgumentException naming {@code what} if it is zero or negative
     */
    public static Duration requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        requireArgument(!d.isZero() && !d.isNegative(), what + " must be positive, not " + d);
        return d;
    }

    /**
     * {@code d}, checked to be zero or positive.
     *
     * @throws NullPointerException naming {@code what} if it is null
     * @throws IllegalArgumentException naming {@code what} if it is negative
     */
    public static Duration requireNotNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        requireArgument(!d.isNegative(), what + " must not be negative, not " + d);
        return d;
    }

    /**
     * {@code d}, checked to be at most {@code max}.
     *
     * @throws NullPointerException naming {@code what} if it is null
     * @throws IllegalArgumentException naming {@code what} and {@code max} if it is longer
     */
    public static Duration requireAtMost(Duration d, Duration max, String what) {
        Objects.requireNonNull(d, what);
        requireArgument(d.compareTo(max) <= 0, what + " must be at most " + max + ", not " + d);
        return d;
    }
}
