package dev.baton.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.mcp.internal.TransportGuard.OriginPattern;
import org.junit.jupiter.api.Test;

/** The origin patterns and the loopback test of the local address. */
class TransportGuardUnitTest {
    @Test
    void loopbackAddressesInEverySpellingAreLoopback() {
        assertThat(TransportGuard.isLoopback("127.0.0.1")).isTrue();
        assertThat(TransportGuard.isLoopback("127.8.9.10")).isTrue();
        assertThat(TransportGuard.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(TransportGuard.isLoopback("[::1]")).isTrue();
        assertThat(TransportGuard.isLoopback("::ffff:127.0.0.1")).isTrue();
    }

    @Test
    void otherAddressesAreNotLoopback() {
        assertThat(TransportGuard.isLoopback("10.0.0.1")).isFalse();
        assertThat(TransportGuard.isLoopback("192.168.1.20")).isFalse();
        assertThat(TransportGuard.isLoopback("fe80::1")).isFalse();
        assertThat(TransportGuard.isLoopback("")).isFalse();
        assertThat(TransportGuard.isLoopback(null)).isFalse();
    }

    @Test
    void anAddressThatIsNotALiteralIsNeverResolved() {
        assertThat(TransportGuard.isLoopback("cafe:not-an-address")).isFalse();
    }

    @Test
    void patternWithAnyPortMatchesEveryPortAndTheDefaultOne() {
        OriginPattern pattern = OriginPattern.parse("http://localhost:*");

        assertThat(pattern.matches(TransportGuard.OriginPattern.Origin.parse("http://localhost:6274"))).isTrue();
        assertThat(pattern.matches(TransportGuard.OriginPattern.Origin.parse("http://LOCALHOST"))).isTrue();
        assertThat(pattern.matches(TransportGuard.OriginPattern.Origin.parse("https://localhost:6274"))).isFalse();
        assertThat(pattern.matches(TransportGuard.OriginPattern.Origin.parse("http://localhost.evil.example"))).isFalse();
    }

    @Test
    void exactPatternMatchesItsPortOnly() {
        OriginPattern pattern = OriginPattern.parse("https://app.example");

        assertThat(pattern.matches(TransportGuard.OriginPattern.Origin.parse("https://app.example:443"))).isTrue();
        assertThat(pattern.matches(TransportGuard.OriginPattern.Origin.parse("https://app.example:8443"))).isFalse();
    }

    @Test
    void patternsOfAnotherFormAreRefused() {
        assertThatThrownBy(() -> OriginPattern.parse("https://app.example/path"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)://host");
        assertThatThrownBy(() -> OriginPattern.parse("*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OriginPattern.parse("ftp://app.example")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OriginPattern.parse("https://app.example:8443:*"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
