package dev.baton.servlet.internal;

import java.util.Objects;

/**
 * A servlet-style path pattern matched against the request path inside the application (servlet
 * path plus path info, as decoded and normalised by the container). Not API.
 *
 * <ul>
 *   <li>{@code /*} matches every path;</li>
 *   <li>{@code /mcp/*} matches {@code /mcp} and everything below it ({@code /mcp/x}), but not {@code /mcpx};</li>
 *   <li>any other pattern, such as {@code /health}, matches that exact path.</li>
 * </ul>
 */
public final class PathPattern {
    private final String pattern;
    private final String prefix;

    private PathPattern(String pattern, String prefix) {
        this.pattern = pattern;
        this.prefix = prefix;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException if the pattern does not start with {@code /}, or has a
     *     {@code *} anywhere but in a trailing {@code /*}
     */
    public static PathPattern parse(String pattern) {
        Objects.requireNonNull(pattern, "path pattern");
        String p = pattern.strip();
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("path pattern must start with '/': " + pattern);
        }
        if (p.endsWith("/*")) {
            String prefix = p.substring(0, p.length() - 2);
            if (prefix.indexOf('*') >= 0) {
                throw new IllegalArgumentException("'*' is only allowed as a trailing '/*': " + pattern);
            }
            return new PathPattern(p, prefix);
        }
        if (p.indexOf('*') >= 0) {
            throw new IllegalArgumentException("'*' is only allowed as a trailing '/*': " + pattern);
        }
        return new PathPattern(p, null);
    }

    /** Whether {@code path} (starting with {@code /}) matches this pattern. */
    public boolean matches(String path) {
        if (prefix == null) {
            return pattern.equals(path);
        }
        if (prefix.isEmpty()) {
            return true;
        }
        return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
    }

    @Override
    public String toString() {
        return pattern;
    }
}
