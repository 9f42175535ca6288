package dev.baton.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(10));

    @Test
    void parsesDelaySeconds() {
        assertThat(policy.parseRetryAfter("7", NOW)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void parsesHttpDate() {
        assertThat(policy.parseRetryAfter("Thu, 26 Nov 2026 10:00:05 GMT", NOW)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void pastHttpDateMeansNoWait() {
        assertThat(policy.parseRetryAfter("Thu, 26 Nov 2026 09:00:00 GMT", NOW)).isZero();
    }

    @Test
    void absurdValuesAreCapped() {
        assertThat(policy.parseRetryAfter("99999999999999999999999", NOW)).isEqualTo(Duration.ofSeconds(11));
        assertThat(policy.parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", NOW)).isEqualTo(Duration.ofSeconds(11));
        assertThat(policy.delayAfter(1, Duration.ofDays(365))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void garbageIsIgnored() {
        assertThat(policy.parseRetryAfter("-5", NOW)).isNull();
        assertThat(policy.parseRetryAfter("soon", NOW)).isNull();
        assertThat(policy.parseRetryAfter("", NOW)).isNull();
        assertThat(policy.parseRetryAfter(null, NOW)).isNull();
    }

    @Test
    void backoffIsJitteredExponentialAndBounded() {
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delayAfter(1, null)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(policy.delayAfter(2, null)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(policy.delayAfter(20, null)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }

    @Test
    void retryAfterLengthensTheBackoff() {
        assertThat(policy.delayAfter(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    }
}
