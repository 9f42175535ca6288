package dev.baton.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The SHA-256 of a token, the only form in which Baton keys caches by a token and correlates log
 * lines: the verified-token cache, the exchange cache and the audit fingerprint all use this one
 * hash, so a token is hashed once. Equal by content; {@link #toString()} shows only the
 * {@linkplain #fingerprint() fingerprint}, which cannot be turned back into the token. Not API.
 */
public final class TokenHash {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    // The 32 bytes of the digest as four longs: equals and hashCode without touching an array.
    private final long a;
    private final long b;
    private final long c;
    private final long d;
    // Computed on first use and kept: every audit event of a token names it, and a token served from
    // the verified-token cache keeps its hash. A racing second computation gives an equal string.
    private String fingerprint;

    private TokenHash(long a, long b, long c, long d) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
    }

    /**
     * The SHA-256 of the UTF-8 bytes of {@code token}.
     *
     * @throws NullPointerException if {@code token} is null
     */
    public static TokenHash of(String token) {
        byte[] digest = SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.wrap(digest);
        return new TokenHash(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
    }

    /**
     * A short, non-reversible identifier for log lines: the first 8 bytes of the digest, base64url
     * without padding (11 characters).
     */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) {
            byte[] first = ByteBuffer.allocate(Long.BYTES).putLong(a).array();
            f = Base64.getUrlEncoder().withoutPadding().encodeToString(first);
            fingerprint = f;
        }
        return f;
    }

    /**
     * The whole digest, base64url without padding (43 characters): the RFC 9449 §4.2 {@code ath}
     * of an access token, which a DPoP proof sent with the token must carry.
     */
    public String base64Url() {
        byte[] all = ByteBuffer.allocate(4 * Long.BYTES).putLong(a).putLong(b).putLong(c).putLong(d).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenHash h && a == h.a && b == h.b && c == h.c && d == h.d;
    }

    @Override
    public int hashCode() {
        // The digest is uniformly distributed: its first bytes are as good a hash as any.
        return (int) (a ^ (a >>> 32));
    }

    @Override
    public String toString() {
        return "sha256:" + fingerprint();
    }
}
