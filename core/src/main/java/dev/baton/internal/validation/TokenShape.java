package dev.baton.internal.validation;

import dev.baton.internal.TokenSyntax;

/**
 * The look at a token before any decoding: whether every character may appear in a bearer token
 * (RFC 6750 §2.1 {@code b64token}, so no whitespace, control or non-ASCII character reaches a
 * parser), and how many dots it has, which tells a compact JWS (two) from a JWE (four, RFC 7516
 * §7.1). Not API.
 */
final class TokenShape {
    /** What {@link #dots(String)} returns for a token with a character outside {@code b64token}. */
    static final int MALFORMED = -1;

    private TokenShape() {
    }

    /**
     * The number of {@code '.'} in {@code token}, or {@link #MALFORMED}. The {@code '='} padding is
     * allowed anywhere here, for opaque tokens; a compact JWS must then pass
     * {@link CanonicalBase64Url}, which refuses padding and the {@code ~+/} characters.
     */
    static int dots(String token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c != '=' && !TokenSyntax.isB64TokenChar(c)) {
                return MALFORMED;
            }
        }
        return dots;
    }
}
