package dev.baton.internal.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9449 §4.3 check 9 with RFC 3986 §6.2.2 and §6.2.3 normalization. */
class TargetUriTest {

    @ParameterizedTest
    @CsvSource({
        "https://mcp.example.com/mcp, https://mcp.example.com/mcp",
        "HTTPS://MCP.EXAMPLE.COM/mcp, https://mcp.example.com/mcp",
        "https://mcp.example.com:443/mcp, https://mcp.example.com/mcp",
        "http://mcp.example.com:80/mcp, http://mcp.example.com/mcp",
        "https://mcp.example.com:8443/mcp, https://mcp.example.com:8443/mcp",
        "https://mcp.example.com, https://mcp.example.com/",
        "https://mcp.example.com/a/./b/../mcp, https://mcp.example.com/a/mcp",
        "https://mcp.example.com/%7euser, https://mcp.example.com/~user",
        "https://mcp.example.com/a%2fb, https://mcp.example.com/a%2Fb",
        "https://mcp.example.com/mcp?x=1#f, https://mcp.example.com/mcp",
        "http://[::1]:8080/mcp, http://[::1]:8080/mcp",
    })
    void normalizes(String value, String expected) {
        assertThat(TargetUri.normalize(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "mcp.example.com/mcp", "/mcp", "ftp://mcp.example.com/mcp", "urn:x:y",
        "https://user@mcp.example.com/mcp", "https://mcp.example.com/%zz", "https://mcp.example.com/%4",
        "https://mcp.example.com/../mcp", "https://mcp example.com/", "https:///mcp"})
    void hasNoFormFor(String value) {
        assertThat(TargetUri.normalize(value)).isNull();
    }
}
