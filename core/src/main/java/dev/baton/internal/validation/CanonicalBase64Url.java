package dev.baton.internal.validation;

import java.util.Arrays;

/**
 * The one spelling a JWS part may have: canonical base64url (RFC 7515 §2, RFC 4648 §5). Nimbus,
 * like most decoders, is lenient: it skips characters outside the alphabet, accepts {@code =}
 * padding anywhere, the {@code +/} alphabet, and any value in the unused low bits of the last
 * character. Each such re-spelling decodes to the same bytes, so one signed token would have many
 * spellings, each with its own fingerprint, missing every cache and deny-list keyed by it.
 *
 * <p>A string is canonical exactly when decoding it and encoding the bytes again gives the same
 * string back. That is checked here in one pass without decoding or allocating: only the 64
 * url-safe characters, no padding, a length that is not 1 modulo 4 (a lone trailing character
 * carries no whole byte), and zero unused bits in the last character (RFC 4648 §3.5). Not API.
 */
final class CanonicalBase64Url {
    /** The 6-bit value of each ASCII character of the url-safe alphabet; -1 for every other one. */
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private CanonicalBase64Url() {
    }

    /**
     * Whether {@code s[from, to)} is the canonical base64url encoding of some byte string (the
     * empty string is: it encodes no bytes).
     *
     * @throws IndexOutOfBoundsException if the range does not lie within {@code s}
     */
    static boolean isCanonical(String s, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return false;
        }
        int last = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 128) {
                return false;
            }
            last = VALUES[c];
            if (last < 0) {
                return false;
            }
        }
        // Two trailing characters carry one byte (4 unused bits), three carry two (2 unused bits).
        int remainder = length % 4;
        return remainder == 0 || (last & (remainder == 2 ? 0x0F : 0x03)) == 0;
    }

    /**
     * Whether each of the three parts of the compact JWS {@code token} is canonical.
     *
     * @param token a string with exactly two {@code '.'}
     */
    static boolean isCanonicalJws(String token) {
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        return isCanonical(token, 0, first) && isCanonical(token, first + 1, second)
                && isCanonical(token, second + 1, token.length());
    }
}
