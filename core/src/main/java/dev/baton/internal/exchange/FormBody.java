package dev.baton.internal.exchange;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A token request's {@code application/x-www-form-urlencoded} body (RFC 6749 Appendix B), written
 * exactly as Nimbus' {@code URLUtils.serializeParameters} writes it (each name and value through
 * {@link URLEncoder} in UTF-8, pairs joined by {@code &}, in the map's order; a {@code null} name
 * or list is left out, a {@code null} value written empty), with two shortcuts: a name or value made
 * only of characters the encoding leaves as they are is copied without going through the encoder,
 * and the URIs every request repeats are encoded once.
 * A JWT subject token is such a value (base64url and dots), and encoding its few hundred
 * characters was the largest part of building a token request (benchmarks/RESULTS.md, row 5).
 * Not API.
 */
final class FormBody {
    /** The characters {@link URLEncoder} leaves as they are, by ASCII code. */
    private static final boolean[] UNCHANGED = unchangedCharacters();
    /**
     * The values every token exchange request repeats (the grant type, RFC 8693 §3 token type URIs),
     * encoded once: they hold {@code :}, which the encoder changes.
     */
    private static final List<String> CONSTANTS = List.of(
            "urn:ietf:params:oauth:grant-type:token-exchange",
            "urn:ietf:params:oauth:token-type:access_token",
            "urn:ietf:params:oauth:token-type:refresh_token",
            "urn:ietf:params:oauth:token-type:id_token",
            "urn:ietf:params:oauth:token-type:saml1",
            "urn:ietf:params:oauth:token-type:saml2",
            "urn:ietf:params:oauth:token-type:jwt",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    private static final Map<String, String> ENCODED = encodedConstants();

    private FormBody() {
    }

    /** The body for {@code form}. */
    static String of(Map<String, List<String>> form) {
        int length = 0;
        for (Map.Entry<String, List<String>> e : form.entrySet()) {
            if (e.getKey() != null && e.getValue() != null) {
                for (String value : e.getValue()) {
                    length += e.getKey().length() + (value == null ? 0 : value.length()) + 2;
                }
            }
        }
        StringBuilder body = new StringBuilder(length + 16);
        for (Map.Entry<String, List<String>> e : form.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                continue;
            }
            for (String value : e.getValue()) {
                if (body.length() > 0) {
                    body.append('&');
                }
                append(body, e.getKey());
                body.append('=');
                append(body, value == null ? "" : value);
            }
        }
        return body.toString();
    }

    private static void append(StringBuilder body, String s) {
        String known = ENCODED.get(s);
        if (known != null) {
            body.append(known);
        } else {
            body.append(unchangedByEncoding(s) ? s : URLEncoder.encode(s, StandardCharsets.UTF_8));
        }
    }

    /**
     * Whether {@link URLEncoder} would return {@code s} as it is: only ASCII letters, digits and
     * {@code . - * _} (its javadoc's "remain the same" characters).
     */
    static boolean unchangedByEncoding(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= UNCHANGED.length || !UNCHANGED[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean[] unchangedCharacters() {
        boolean[] unchanged = new boolean[128];
        for (char c = 'a'; c <= 'z'; c++) {
            unchanged[c] = true;
            unchanged[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            unchanged[c] = true;
        }
        for (char c : ".-*_".toCharArray()) {
            unchanged[c] = true;
        }
        return unchanged;
    }

    private static Map<String, String> encodedConstants() {
        Map<String, String> encoded = new HashMap<>();
        for (String constant : CONSTANTS) {
            encoded.put(constant, URLEncoder.encode(constant, StandardCharsets.UTF_8));
        }
        return Map.copyOf(encoded);
    }
}
