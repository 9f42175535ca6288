package dev.baton.internal.dpop;

/**
 * The {@code DPoP-Nonce} header a server sends (RFC 9449 §8, §9): checked before Baton keeps it or
 * puts it into a proof, since it comes from the network. Not API.
 */
public final class DPoPNonce {
    /** The longest nonce kept: real ones are tens of characters; anything longer is refused. */
    public static final int MAX_LENGTH = 512;

    private DPoPNonce() {
    }

    /**
     * Whether {@code value} is a nonce Baton will use: {@code 1*NQCHAR} (RFC 9449 §8.1, printable
     * ASCII but {@code "} and {@code \}), at most {@link #MAX_LENGTH} characters.
     */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * The nonce of a response's {@code DPoP-Nonce} header values: the one value when there is
     * exactly one and it is valid, otherwise {@code null} (no header, several, or a malformed one
     * are all ignored rather than trusted).
     */
    public static String fromHeaders(java.util.List<String> values) {
        if (values == null || values.size() != 1) {
            return null;
        }
        String value = values.get(0).strip();
        return isValid(value) ? value : null;
    }
}
