package dev.baton.redis.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), for output keys of at most one hash length (32 bytes): the one
 * key derivation the shared cache needs, on the JDK's own HMAC. Not API.
 */
final class Hkdf {
    static final int HASH_LENGTH = 32;
    /**
     * One HMAC per thread, initialised anew for each derivation: {@code Mac.getInstance} costs a
     * provider lookup on every read of a shared value. A Mac keeps the last PRK until its next init;
     * that PRK derives keys for one user's entries only, whose token the exchanger's local cache
     * holds in the same heap.
     */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    });

    private Hkdf() {
    }

    /**
     * RFC 5869 §2.2 and §2.3: {@code PRK = HMAC(salt, ikm)}, then {@code T(1) = HMAC(PRK, info || 0x01)},
     * cut to {@code length}.
     *
     * @param length at most {@value #HASH_LENGTH} bytes
     */
    static byte[] deriveKey(byte[] salt, byte[] ikm, byte[] info, int length) {
        if (length < 1 || length > HASH_LENGTH) {
            throw new IllegalArgumentException("length must be between 1 and " + HASH_LENGTH);
        }
        try {
            Mac mac = MAC.get();
            // RFC 5869 §2.2: a missing salt is a string of HashLen zeros.
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[HASH_LENGTH] : salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            Arrays.fill(prk, (byte) 0);
            mac.update(info);
            mac.update((byte) 1);
            byte[] t1 = mac.doFinal();
            byte[] okm = Arrays.copyOf(t1, length);
            Arrays.fill(t1, (byte) 0);
            return okm;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}
