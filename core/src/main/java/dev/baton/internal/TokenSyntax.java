package dev.baton.internal;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The two token grammars Baton checks, each written once: the RFC 6749 §3.3 {@code scope-token}
 * and the RFC 6750 §2.1 {@code b64token}. Not API.
 */
public final class TokenSyntax {
    private TokenSyntax() {
    }

    /**
     * RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}, printable ASCII except
     * space, double quote and backslash. {@code null} and the empty string are not scope tokens.
     */
    public static boolean isScopeToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * The scopes as an ordered, unmodifiable set, each checked to be a scope token.
     *
     * @throws NullPointerException if {@code scopes} is null
     * @throws IllegalArgumentException naming the first value that is not a scope token (shown only
     *     when printable, so a hostile value cannot break a log line)
     */
    public static Set<String> requireScopeTokens(Collection<String> scopes) {
        Objects.requireNonNull(scopes, "scopes");
        Set<String> out = new LinkedHashSet<>();
        for (String s : scopes) {
            if (!isScopeToken(s)) {
                throw new IllegalArgumentException("not an RFC 6749 section 3.3 scope token: "
                        + (s == null ? "null" : "'" + Endpoints.printable(s, 64) + "'"));
            }
            out.add(s);
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /**
     * RFC 6750 §2.1: {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}.
     * {@code null} and the empty string are not b64tokens.
     */
    public static boolean isB64Token(String s) {
        if (s == null) {
            return false;
        }
        int n = s.length();
        int i = 0;
        while (i < n && isB64TokenChar(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    /** Whether {@code c} is one of the RFC 6750 §2.1 b64token characters before the {@code "="} padding. */
    public static boolean isB64TokenChar(char c) {
        // A table, not a chain of range tests: every request's token is scanned character by
        // character, and with many distinct tokens the chain's branches mispredict at almost every
        // character (about 2.4 µs for a 675-character JWT; docs/benchmarks.md, row 3).
        return c < B64TOKEN.length && B64TOKEN[c];
    }

    private static final boolean[] B64TOKEN = new boolean[128];

    static {
        String allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/";
        for (int i = 0; i < allowed.length(); i++) {
            B64TOKEN[allowed.charAt(i)] = true;
        }
    }
}
