package dev.baton;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A second-level cache of exchanged tokens shared by the replicas of a fleet (for example
 * {@code dev.baton.redis.RedisTokenCache} from {@code baton-redis}), consulted by a
 * {@link TokenExchanger} only when its own in-process cache has no usable entry
 * ({@link TokenExchanger.Builder#sharedCache(SharedTokenCache)}). Its job: across every replica
 * that shares it, exactly one token endpoint call per cache key.
 *
 * <p><b>Contract.</b> Every method is asynchronous, bounded in time and thread-safe. A failure of the
 * shared cache itself (unreachable, slow, a value it cannot read) must never fail an exchange that
 * could succeed: the implementation answers by running the {@code exchange} it is given, and the
 * exchanger additionally runs the exchange itself when the returned future fails with anything but
 * the exchange's own failure, or when it has not completed within {@link Lookup#deadline()}. An
 * implementation must store nothing usable without the subject token: a {@link Lookup} carries the
 * raw subject token only so that values can be encrypted with a key derived from it.
 *
 * <p>The exchanger never closes the shared cache: whoever builds it closes it, after the exchangers
 * that use it.
 */
public interface SharedTokenCache extends AutoCloseable {

    /**
     * The token for {@code lookup}: a usable shared entry, or the result of another replica's
     * exchange for the same key, or the result of {@code exchange}, which this call runs at most
     * once (and only when no other replica is exchanging for the key, or the one that was stopped
     * answering). A token obtained by {@code exchange} is stored for the other replicas.
     *
     * @param lookup the cache key and what the entry's protection and lifetime derive from
     * @param exchange starts this replica's own token endpoint exchange
     * @return completes with the token, or fails with the failure of {@code exchange} (a
     *     {@link TokenExchangeException})
     */
    CompletableFuture<Loaded> load(Lookup lookup, Supplier<CompletableFuture<ExchangedToken>> exchange);

    /**
     * Refresh-ahead, once per fleet: a shared entry that stays usable longer than {@code staleAt}
     * (the entry being replaced) if there is one; else, when no other replica is already refreshing
     * this key, the result of {@code exchange}, stored for the others. Never waits for another
     * replica.
     *
     * @return completes with the fresher token, or with {@code null} when another replica is
     *     refreshing this key (ask again later), or fails with the failure of {@code exchange}
     */
    CompletableFuture<Loaded> refresh(Lookup lookup, Instant staleAt, Supplier<CompletableFuture<ExchangedToken>> exchange);

    /**
     * Deletes the shared entry for {@code lookup}: any entry when {@code rejectedAccessToken} is
     * {@code null}, else only an entry holding exactly that access token, so that replicas whose
     * concurrent calls were all refused do not erase the fresh token one of them already stored.
     * Best effort: a failure is logged, never thrown.
     *
     * @return completes when the deletion was attempted; never fails
     */
    CompletableFuture<Void> invalidate(Lookup lookup, String rejectedAccessToken);

    /** Releases the connections and threads of the shared cache. Idempotent. */
    @Override
    void close();

    /**
     * What the exchanger asks for. Built by the exchanger; {@link #toString()} shows the key only,
     * never the subject token.
     */
    final class Lookup {
        private final String key;
        private final String subjectToken;
        private final Duration deadline;
        private final Function<ExchangedToken, Instant> staleAt;

        /**
         * @param key the cache key: the SHA-256 (base64url, no padding) of the exchanger's token
         *     endpoint and client id and of every exchange parameter, subject token included; never a
         *     token
         * @param subjectToken the raw subject token, the secret an entry's encryption key derives from
         * @param deadline the longest this lookup may take, waiting for another replica included
         * @param staleAt when the exchanger would stop serving a given token (the earlier of its
         *     expiry and the subject token's, minus the cache skew)
         */
        public Lookup(String key, String subjectToken, Duration deadline, Function<ExchangedToken, Instant> staleAt) {
            this.key = Objects.requireNonNull(key, "key");
            this.subjectToken = Objects.requireNonNull(subjectToken, "subjectToken");
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            this.staleAt = Objects.requireNonNull(staleAt, "staleAt");
        }

        /** The cache key: a SHA-256 in base64url, never a token. */
        public String key() {
            return key;
        }

        /** The raw subject token. Never log or store it. */
        public String subjectToken() {
            return subjectToken;
        }

        /** The longest this lookup may take, waiting for another replica included. */
        public Duration deadline() {
            return deadline;
        }

        /**
         * When the exchanger stops serving {@code token} for this lookup: a shared entry must not be
         * kept or served past it (docs/security.md case 30).
         */
        public Instant staleAt(ExchangedToken token) {
            return staleAt.apply(token);
        }

        /** The key only. */
        @Override
        public String toString() {
            return "SharedTokenCache.Lookup[key=" + key + "]";
        }
    }

    /**
     * A token the shared cache answered with.
     *
     * @param token the token
     * @param exchangedAt when the token was obtained from the token endpoint (by whichever replica),
     *     so that every replica schedules its refresh-ahead at the same instant
     * @param exchangedHere whether this call's own {@code exchange} produced it (its audit event then
     *     says {@link ExchangeEvent.Source#TOKEN_ENDPOINT}, otherwise {@link ExchangeEvent.Source#SHARED_CACHE})
     */
    record Loaded(ExchangedToken token, Instant exchangedAt, boolean exchangedHere) {
        /** Checks that nothing is null. */
        public Loaded {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(exchangedAt, "exchangedAt");
        }
    }
}
