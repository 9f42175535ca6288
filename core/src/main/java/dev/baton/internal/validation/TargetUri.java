package dev.baton.internal.validation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The form in which a DPoP proof's {@code htu} and a request's URI are compared (RFC 9449 §4.3
 * check 9): query and fragment dropped, then RFC 3986 §6.2.2 syntax-based normalization (scheme
 * and host in lower case, percent-encodings in upper case, unreserved characters decoded, dot
 * segments removed) and §6.2.3 scheme-based normalization (default port dropped, empty path as
 * {@code /}). Only absolute {@code http} and {@code https} URIs without user info have a form; every
 * other value, and anything {@link URI} cannot parse, has none and matches nothing. Not API.
 */
final class TargetUri {
    private TargetUri() {
    }

    /** The normalized form of {@code value}, or {@code null} when it has none. */
    static String normalize(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme) || uri.isOpaque() || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            return null;
        }
        int port = uri.getPort();
        if (port == 443 && scheme.equals("https") || port == 80 && scheme.equals("http")) {
            port = -1;
        }
        String path = percentEncodings(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (path == null) {
            return null;
        }
        if (path.isEmpty()) {
            path = "/";
        }
        try {
            // URI.normalize() removes "." and ".." segments (RFC 3986 §5.2.4); the authority is only a
            // placeholder that makes any path, even one starting with "//", parse as a path.
            path = new URI("http://h" + path).normalize().getRawPath();
        } catch (URISyntaxException e) {
            return null;
        }
        if (path.startsWith("/..")) {
            // Dot segments above the root are removed (RFC 3986 §5.2.4); URI.normalize keeps them.
            return null;
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port) + path;
    }

    /**
     * {@code rawPath} with each percent-encoding in upper case and those of unreserved characters
     * (RFC 3986 §2.3) decoded; {@code null} for a malformed percent-encoding.
     */
    private static String percentEncodings(String rawPath) {
        if (rawPath.indexOf('%') < 0) {
            return rawPath;
        }
        StringBuilder b = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            if (i + 2 >= rawPath.length()) {
                return null;
            }
            int hi = Character.digit(rawPath.charAt(i + 1), 16);
            int lo = Character.digit(rawPath.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            char decoded = (char) (hi * 16 + lo);
            if (isUnreserved(decoded)) {
                b.append(decoded);
            } else {
                b.append('%').append(Character.toUpperCase(rawPath.charAt(i + 1)))
                        .append(Character.toUpperCase(rawPath.charAt(i + 2)));
            }
            i += 2;
        }
        return b.toString();
    }

    private static boolean isUnreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
