package dev.baton.redis.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts shared entries so that nothing stored is usable without the user's own token: AES-256-GCM
 * (NIST SP 800-38D) under a key derived with HKDF-SHA256 (RFC 5869) from the subject token (input
 * keying material) and the deployment secret (salt), for this one Redis key (info). Whoever reads
 * Redis (a dump, a replica, a snapshot) holds neither; two users' keys differ, so neither can
 * decrypt the other's entries; and the Redis key is authenticated data, so a value moved to another
 * key fails to decrypt. Layout: {@code version (1) || nonce (12) || ciphertext || tag (16)}, a fresh
 * random nonce per value. Not API.
 */
public final class ValueSealer {
    static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] INFO_PREFIX = "baton-redis/1 shared exchanged token\0".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * One cipher per thread, initialised anew for each value: {@code Cipher.getInstance} and the
     * provider selection of its first {@code init} cost several times the decryption of a value
     * (benchmarks/RESULTS.md, "Shared cache hit"). Values are opened on this cache's own threads
     * and sealed on the threads that complete exchanges; a thread's cipher goes with the thread. A
     * cipher keeps the last value's key until its next init; that key opens only that one value,
     * whose token the exchanger's local cache holds in the same heap.
     */
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is required by every Java platform", e);
        }
    });

    private final byte[] secret;

    /** @param secret the deployment secret, at least 32 bytes (copied) */
    public ValueSealer(byte[] secret) {
        this.secret = secret.clone();
    }

    /** The value to store under {@code redisKey}. */
    public byte[] seal(byte[] plaintext, String subjectToken, String redisKey) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, subjectToken, redisKey, nonce);
            byte[] out = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            out[0] = VERSION;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The plaintext of {@code value}, read from {@code redisKey}.
     *
     * @throws IllegalArgumentException if the value is not one this sealer wrote for this subject token
     *     and key: another user's, another deployment's, moved from another key, or altered
     */
    public byte[] open(byte[] value, String subjectToken, String redisKey) {
        if (value.length < 1 + NONCE_BYTES + TAG_BITS / 8 || value[0] != VERSION) {
            throw new IllegalArgumentException("not a sealed shared value");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, subjectToken, redisKey, Arrays.copyOfRange(value, 1,
                    1 + NONCE_BYTES));
            return cipher.doFinal(value, 1 + NONCE_BYTES, value.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("shared value failed authentication");
        }
    }

    private Cipher cipher(int mode, String subjectToken, String redisKey, byte[] nonce)
            throws GeneralSecurityException {
        byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
        byte[] info = ByteBuffer.allocate(INFO_PREFIX.length + keyBytes.length).put(INFO_PREFIX).put(keyBytes).array();
        byte[] key = Hkdf.deriveKey(secret, subjectToken.getBytes(StandardCharsets.UTF_8), info, 32);
        Cipher cipher = CIPHER.get();
        // init resets the cipher: nothing of the previous value's key or nonce is used again (a
        // fresh key and nonce per value, NIST SP 800-38D §8.2).
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        Arrays.fill(key, (byte) 0);
        // The version and the key: a value is bound to the place it was written to.
        cipher.updateAAD(new byte[] {VERSION});
        cipher.updateAAD(keyBytes);
        return cipher;
    }
}
