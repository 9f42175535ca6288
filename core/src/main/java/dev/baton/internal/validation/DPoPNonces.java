package dev.baton.internal.validation;

import com.nimbusds.openid.connect.sdk.Nonce;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The nonces a resource server issues for DPoP proofs (RFC 9449 §9): 128 random bits, a new one
 * every {@link #ROTATION}; the current and the previous one are accepted, so a client that fetched
 * a nonce just before a rotation is not refused at once. Nonces are not secrets (they travel in a
 * response header); they only bound how long a client could use proofs it made in advance. Kept in
 * memory: each validator has its own, so several instances behind a load balancer need sticky
 * sessions or the clients meet {@code use_dpop_nonce} more often. Thread-safe. Not API.
 */
final class DPoPNonces {
    /** How long a nonce is the current one; it is accepted for twice as long. */
    static final Duration ROTATION = Duration.ofMinutes(5);

    private record Generation(Nonce current, Nonce previous, Instant until) {
    }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile Generation generation;

    DPoPNonces(Clock clock) {
        this.clock = clock;
        this.generation = new Generation(fresh(), null, clock.instant().plus(ROTATION));
    }

    /** The nonce to hand to clients now. */
    String current() {
        return generation().current().getValue();
    }

    /** The nonces a proof may carry now. */
    Set<Nonce> accepted() {
        Generation g = generation();
        return g.previous() == null ? Set.of(g.current()) : Set.of(g.current(), g.previous());
    }

    private Generation generation() {
        Generation g = generation;
        Instant now = clock.instant();
        if (now.isBefore(g.until())) {
            return g;
        }
        synchronized (this) {
            g = generation;
            if (!now.isBefore(g.until())) {
                // After a long idle spell the previous nonce is too old to keep.
                Nonce previous = now.isBefore(g.until().plus(ROTATION)) ? g.current() : null;
                g = new Generation(fresh(), previous, now.plus(ROTATION));
                generation = g;
            }
            return g;
        }
    }

    private Nonce fresh() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return new Nonce(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }
}
