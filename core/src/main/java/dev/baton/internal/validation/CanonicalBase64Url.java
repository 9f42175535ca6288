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
 * string back. That is checked without decoding or allocating: only the 64 url-safe characters
 * (checked by {@link TokenShape}'s one pass over the token), no padding, a length that is not 1
 * modulo 4 (a lone trailing character carries no whole byte), and zero unused bits in the last
 * character (RFC 4648 §3.5). Not API.
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
     * Whether {@code token} is a compact JWS (exactly two dots) whose three parts are each
     * canonical, given its {@link TokenShape}: the shape's scan has already checked the alphabet of
     * every character, so only each part's length and its last character remain to check.
     *
     * @param token the token
     * @param shape {@code token}'s shape
     */
    static boolean isCanonicalJws(String token, TokenShape shape) {
        return shape.base64Url() && shape.dots() == 2
                && hasCanonicalEnd(token, 0, shape.firstDot())
                && hasCanonicalEnd(token, shape.firstDot() + 1, shape.secondDot())
                && hasCanonicalEnd(token, shape.secondDot() + 1, token.length());
    }

    /**
     * The rest of the test for a range of base64url characters: a length that is not 1
     * modulo 4, and zero unused bits in the last character.
     */
    private static boolean hasCanonicalEnd(String s, int from, int to) {
        // Two trailing characters carry one byte (4 unused bits), three carry two (2 unused bits).
        int remainder = (to - from) % 4;
        if (remainder == 0) {
            return true;
        }
        return remainder != 1 && (VALUES[s.charAt(to - 1)] & (remainder == 2 ? 0x0F : 0x03)) == 0;
    }
}
