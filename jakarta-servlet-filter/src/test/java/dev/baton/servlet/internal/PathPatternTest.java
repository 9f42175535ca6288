package dev.baton.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Servlet-style path patterns. */
class PathPatternTest {

    @Test
    void prefixPatternMatchesItsBaseAndBelowButNotSiblings() {
        PathPattern p = PathPattern.parse("/mcp/*");
        assertThat(p.matches("/mcp")).isTrue();
        assertThat(p.matches("/mcp/")).isTrue();
        assertThat(p.matches("/mcp/tools/call")).isTrue();
        assertThat(p.matches("/mcpx")).isFalse();
        assertThat(p.matches("/")).isFalse();
    }

    @Test
    void exactPatternMatchesOnlyThatPath() {
        PathPattern p = PathPattern.parse("/health");
        assertThat(p.matches("/health")).isTrue();
        assertThat(p.matches("/health/")).isFalse();
        assertThat(p.matches("/healthz")).isFalse();
    }

    @Test
    void rootWildcardMatchesEverything() {
        assertThat(PathPattern.parse("/*").matches("/anything/at/all")).isTrue();
    }
}
