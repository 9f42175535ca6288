package dev.baton.internal.exchange;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retries with jittered exponential backoff, honouring {@code Retry-After}
 * (RFC 9110 §10.2.3) up to a cap. Not API.
 *
 * @param maxAttempts total attempts including the first, at least 1
 * @param initialBackoff the backoff before the second attempt, doubled for each further one
 * @param maxBackoff the largest backoff between two attempts
 * @param maxRetryAfter the largest {@code Retry-After} honoured; a larger value is capped to it
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /** The backoff before the first retry unless configured. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /** The largest backoff between two attempts, whatever the initial backoff. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** The largest {@code Retry-After} honoured. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);

    /** A policy with the caps the public builder documents: {@link #MAX_BACKOFF}, {@link #MAX_RETRY_AFTER}. */
    public static RetryPolicy of(int maxAttempts, Duration initialBackoff) {
        return new RetryPolicy(maxAttempts, initialBackoff, MAX_BACKOFF, MAX_RETRY_AFTER);
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        requirePositive(initialBackoff, "initial backoff");
        requirePositive(maxBackoff, "maximum backoff");
        requirePositive(maxRetryAfter, "maximum Retry-After");
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative");
        }
    }

    /**
     * The wait before attempt {@code attempt + 1}, after attempt {@code attempt} (1-based) failed:
     * "equal jitter" over the exponential backoff (between half and all of it, so concurrent
     * clients spread out), and never less than the server's capped {@code Retry-After}.
     */
    public Duration delayAfter(int attempt, Duration retryAfter) {
        long base = initialBackoff.toNanos();
        for (int i = 1; i < attempt && base < maxBackoff.toNanos(); i++) {
            base *= 2;
        }
        base = Math.min(base, maxBackoff.toNanos());
        long half = base / 2;
        long jittered = half + (half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1));
        long server = retryAfter == null ? 0 : Math.min(retryAfter.toNanos(), maxRetryAfter.toNanos());
        return Duration.ofNanos(Math.max(jittered, server));
    }

    /**
     * Parses a {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
     * Returns {@code null} when absent or unparseable, zero for a date in the past, and at most
     * {@code maxRetryAfter} plus one second for an absurd value (the caller caps it again).
     */
    public Duration parseRetryAfter(String value, Instant now) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > 64) {
            return null;
        }
        Duration ceiling = maxRetryAfter.plusSeconds(1);
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (v.length() > 9) {
                return ceiling;
            }
            Duration d = Duration.ofSeconds(Long.parseLong(v));
            return d.compareTo(ceiling) > 0 ? ceiling : d;
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            if (!at.isAfter(now)) {
                return Duration.ZERO;
            }
            Duration d = Duration.between(now, at);
            return d.compareTo(ceiling) > 0 ? ceiling : d;
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }
}
