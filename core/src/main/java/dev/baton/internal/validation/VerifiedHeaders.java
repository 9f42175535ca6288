package dev.baton.internal.validation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSHeader;

/**
 * The JWS headers of tokens whose signature one validator verified, by the exact header segment
 * (its base64url characters, compared whole), already parsed and already past
 * {@link JwsHeaderCheck}. An issuer signs every token with one of a few keys, so its tokens carry one
 * of a few headers, character for character; a fresh token whose header is one of them skips the
 * header's base64 decoding, JSON parse and checks (docs/benchmarks.md, row 1). Not API.
 *
 * <p>What makes it safe to skip them:
 * <ul>
 *   <li>The key is the whole segment, so a hit is a header equal, byte for byte, to one that passed
 *       the checks; the checks depend on nothing else (the validator's allowed algorithms and
 *       {@code typ} rule do not change).</li>
 *   <li>A header enters only after a key from the issuer's JWKS verified a signature over it, so
 *       nobody without the issuer's signing key can put one in: a flood of forged or refused
 *       headers leaves it untouched.</li>
 *   <li>The keys are still looked up by every token's {@code kid} and algorithm, and every
 *       signature is still verified: a key the issuer removed stops verifying as before
 *       (docs/security.md case 15).</li>
 *   <li>Bounded to {@value #SIZE} entries (least recently and frequently used leave first).</li>
 * </ul>
 */
final class VerifiedHeaders {
    /** Headers kept: an issuer uses a handful of keys, each with one header, even during a rotation. */
    static final int SIZE = 32;

    private final Cache<String, JWSHeader> cache = Caffeine.newBuilder().maximumSize(SIZE).build();

    /** The header verified earlier with exactly this segment, or {@code null}. */
    JWSHeader find(String segment) {
        return cache.getIfPresent(segment);
    }

    /**
     * Keeps {@code header}, parsed from {@code segment}, which passed the header checks and whose
     * token's signature a key of the issuer has just verified.
     */
    void put(String segment, JWSHeader header) {
        cache.put(segment, header);
    }

    /** The number of headers kept, for tests. */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
