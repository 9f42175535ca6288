package dev.baton.internal.validation;

import java.util.Arrays;

/**
 * The look at a token before any decoding, in one pass over its characters: whether every character
 * may appear in a bearer token (RFC 6750 §2.1 {@code b64token}, so no whitespace, control or
 * non-ASCII character reaches a parser), how many dots it has, which tells a compact JWS (two) from
 * a JWE (four, RFC 7516 §7.1), where the first two are, and whether every other character is in
 * the base64url alphabet (RFC 4648 §5), the first half of {@link CanonicalBase64Url}'s test. Not API.
 *
 * @param dots the number of {@code '.'}, saturating at {@link #MANY_DOTS}
 * @param firstDot the index of the first {@code '.'}, or -1
 * @param secondDot the index of the second {@code '.'}, or -1
 * @param base64Url whether every character but the dots is one of the 64 base64url characters (so
 *     no {@code '='}, {@code '~'}, {@code '+'} or {@code '/'})
 */
record TokenShape(int dots, int firstDot, int secondDot, boolean base64Url) {
    /** The count {@link #dots} stops at: any count from here on is neither a JWS nor a JWE. */
    static final int MANY_DOTS = 5;

    // Character classes as bits, so the scan ORs them together instead of branching per character:
    // with many distinct tokens a branch per character mispredicts at almost every character
    // (docs/benchmarks.md, row 3).
    private static final byte BASE64URL = 0;
    private static final byte DOT = 1;
    /** b64token characters outside the base64url alphabet; '=' is allowed anywhere, for opaque tokens. */
    private static final byte OTHER_B64TOKEN = 2;
    private static final byte NOT_B64TOKEN = 4;
    private static final byte[] CLASSES = new byte[128];

    static {
        Arrays.fill(CLASSES, NOT_B64TOKEN);
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray()) {
            CLASSES[c] = BASE64URL;
        }
        CLASSES['.'] = DOT;
        for (char c : "~+/=".toCharArray()) {
            CLASSES[c] = OTHER_B64TOKEN;
        }
    }

    /**
     * The shape of {@code token}, or {@code null} when a character is outside {@code b64token}
     * (the {@code '='} padding allowed anywhere, for opaque tokens; a compact JWS must then pass
     * {@link CanonicalBase64Url}, which refuses it). The same verdict as
     * {@link dev.baton.internal.TokenSyntax#isB64TokenChar} plus {@code '='} for every character.
     */
    static TokenShape of(String token) {
        int seen = 0;
        int dots = 0;
        int first = -1;
        int second = -1;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int k = c < CLASSES.length ? CLASSES[c] : NOT_B64TOKEN;
            seen |= k;
            if (k == DOT) {
                // Rare (two per JWS), so this branch is predicted well.
                if (dots == 0) {
                    first = i;
                } else if (dots == 1) {
                    second = i;
                }
                dots++;
            }
        }
        if ((seen & NOT_B64TOKEN) != 0) {
            return null;
        }
        return new TokenShape(Math.min(dots, MANY_DOTS), first, second, (seen & OTHER_B64TOKEN) == 0);
    }
}
