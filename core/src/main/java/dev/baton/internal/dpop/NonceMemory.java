package dev.baton.internal.dpop;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.util.List;

/**
 * The latest {@code DPoP-Nonce} each resource server sent (RFC 9449 §9), by origin, so the next
 * proof to it carries the nonce. Only valid nonces are kept ({@link DPoPNonce}), and only for a
 * bounded number of origins. Thread-safe. Not API.
 */
public final class NonceMemory {
    private final Cache<String, String> nonces;

    /** A memory of at most {@code maxOrigins} origins, the least recently used forgotten first. */
    public NonceMemory(int maxOrigins) {
        this.nonces = Caffeine.newBuilder().maximumSize(maxOrigins).build();
    }

    /** The latest nonce of {@code url}'s origin, or {@code null}. */
    public String nonceFor(URI url) {
        return nonces.getIfPresent(origin(url));
    }

    /**
     * Keeps the nonce of a response from {@code url}'s origin when its {@code DPoP-Nonce} header values
     * hold exactly one valid nonce; anything else changes nothing.
     *
     * @return the nonce kept, or {@code null}
     */
    public String remember(URI url, List<String> headerValues) {
        String nonce = DPoPNonce.fromHeaders(headerValues);
        if (nonce != null) {
            nonces.put(origin(url), nonce);
        }
        return nonce;
    }

    private static String origin(URI url) {
        return ProofSigner.origin(url);
    }
}
