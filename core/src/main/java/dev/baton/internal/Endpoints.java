package dev.baton.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for where Baton sends tokens and client credentials: {@code https}, or plain
 * {@code http} only to a loopback host (local development, tests). Used for configured and for
 * discovered URLs alike. Not API.
 */
public final class Endpoints {
    // An IPv4 literal in 127.0.0.0/8 (RFC 1122 §3.2.1.3), not a name that merely starts with "127.".
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private Endpoints() {
    }

    /**
     * Whether {@code host} is a loopback host: {@code localhost}, an IPv4 literal {@code 127.d.d.d}
     * (each part at most 255), or {@code ::1} (bracketed or not).
     */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("::1") || h.equals("[::1]")) {
            return true;
        }
        if (!LOOPBACK_V4.matcher(h).matches()) {
            return false;
        }
        for (String part : h.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code uri} is an absolute {@code https} URL with a host, or an {@code http} URL to a
     * loopback host.
     */
    public static boolean isSecure(URI uri) {
        if (uri == null || !uri.isAbsolute() || uri.getHost() == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost()));
    }

    /**
     * {@code uri}, checked against the rule: an absolute {@code https} URL with a host, or
     * {@code http} to a loopback host, with no user info and no fragment. Tokens and client
     * credentials travel to these URLs, so TLS is mandatory elsewhere (RFC 6749 §3.1, §3.2;
     * RFC 6750 §5.3). The message names {@code what} and never shows user info, which may hold a
     * password.
     *
     * @throws NullPointerException naming {@code what} if {@code uri} is null
     * @throws IllegalArgumentException if the rule does not hold
     */
    public static URI requireSecure(URI uri, String what) {
        if (uri == null) {
            throw new NullPointerException(what);
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            // Checked first, and the URI not shown: user info could hold a password.
            throw new IllegalArgumentException(what + " must have no user info and no fragment");
        }
        if (!isSecure(uri)) {
            throw new IllegalArgumentException(what + " must use https (plain http only to a loopback host) and be"
                    + " an absolute URL with a host: " + uri);
        }
        return uri;
    }

    /**
     * {@code value} parsed as a URI and checked by {@link #requireSecure(URI, String)}.
     *
     * @throws NullPointerException naming {@code what} if {@code value} is null
     * @throws IllegalArgumentException if it is not a URI or the rule does not hold; the value is
     *     not echoed when it does not parse (it may carry a password)
     */
    public static URI requireSecure(String value, String what) {
        if (value == null) {
            throw new NullPointerException(what);
        }
        try {
            return requireSecure(new URI(value), what);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + " is not a valid URL: " + e.getReason());
        }
    }

    /**
     * {@code uri} without its user info, for messages: user info may hold a password.
     */
    public static String redacted(URI uri) {
        if (uri == null) {
            return "null";
        }
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
                    .toString();
        } catch (URISyntaxException e) {
            return "[URL hidden]";
        }
    }

    /**
     * Text from the network made safe for one log line: control characters (CR, LF, ...) and
     * non-ASCII replaced by {@code ?}, at most {@code max} characters.
     */
    public static String printable(String text, int max) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && b.length() < max; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        return b.toString();
    }
}
