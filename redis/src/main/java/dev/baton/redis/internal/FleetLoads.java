package dev.baton.redis.internal;

import dev.baton.ExchangedToken;
import dev.baton.SharedTokenCache.Loaded;
import dev.baton.SharedTokenCache.Lookup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One token endpoint call per cache key across a fleet. On a local miss: read the shared entry; on
 * a shared miss take a short lease ({@code SET NX PX}, the single-instance lock pattern Redis
 * documents for {@code SET}) and exchange, or, when another replica holds it, wait for its "done" message
 * (bounded by the lease) and read again; when the lease expires without a value, take it over. A
 * replica exchanges without the lease only when its waiting budget is spent, and without Redis
 * whenever Redis fails: the shared cache never fails a call that could succeed. Not API.
 *
 * <p>Keys: {@code prefix + "{" + key + "}"} holds the value and {@code ... + ":lease"} the lease;
 * the braces are a Redis Cluster hash tag, so both live on one node and the scripts may touch both.
 */
public final class FleetLoads {
    private final RedisStore store;
    private final ValueSealer sealer;
    private final FilledSignals signals;
    private final RedisHealth health;
    private final String prefix;
    private final Duration leaseTime;
    private final Clock clock;

    /**
     * @param store the Redis commands
     * @param sealer encrypts and authenticates values
     * @param signals the replicas' "done" messages
     * @param health Redis's state, also told about unreadable values
     * @param prefix the key prefix
     * @param leaseTime how long a lease lasts (capped at half of each lookup's deadline)
     * @param clock the clock
     */
    public FleetLoads(RedisStore store, ValueSealer sealer, FilledSignals signals, RedisHealth health, String prefix,
            Duration leaseTime, Clock clock) {
        this.store = store;
        this.sealer = sealer;
        this.signals = signals;
        this.health = health;
        this.prefix = prefix;
        this.leaseTime = leaseTime;
        this.clock = clock;
    }

    /** See {@link dev.baton.SharedTokenCache#load}. */
    public CompletableFuture<Loaded> load(Lookup lookup, Supplier<CompletableFuture<ExchangedToken>> exchange) {
        Load load = new Load(lookup, exchange, null);
        load.begin();
        return load.result;
    }

    /** See {@link dev.baton.SharedTokenCache#refresh}. */
    public CompletableFuture<Loaded> refresh(Lookup lookup, Instant staleAt,
            Supplier<CompletableFuture<ExchangedToken>> exchange) {
        Load load = new Load(lookup, exchange, staleAt);
        load.begin();
        return load.result;
    }

    /** See {@link dev.baton.SharedTokenCache#invalidate}. */
    public CompletableFuture<Void> invalidate(Lookup lookup, String rejectedAccessToken) {
        String valueKey = valueKey(lookup);
        CompletableFuture<?> done;
        if (rejectedAccessToken == null) {
            done = store.delete(valueKey);
        } else {
            done = store.get(valueKey).thenCompose(value -> {
                if (value == null) {
                    return CompletableFuture.completedFuture(false);
                }
                StoredToken stored = open(value, lookup, valueKey);
                // Only the entry holding the rejected token: a fresh one stored meanwhile stays.
                return stored == null || stored.token().accessToken().equals(rejectedAccessToken)
                        ? store.deleteIfEqual(valueKey, value) : CompletableFuture.completedFuture(false);
            });
        }
        return done.handle((ignored, error) -> null);
    }

    private String valueKey(Lookup lookup) {
        return prefix + "{" + lookup.key() + "}";
    }

    /** The stored token in {@code value}, or {@code null} (then deleted) when it cannot be read. */
    private StoredToken open(byte[] value, Lookup lookup, String valueKey) {
        try {
            return StoredTokenCodec.decode(sealer.open(value, lookup.subjectToken(), valueKey));
        } catch (IllegalArgumentException e) {
            health.corruptValue();
            store.deleteIfEqual(valueKey, value);
            return null;
        }
    }

    /** One load or refresh, step by step; every step that fails at Redis ends in this replica's own exchange. */
    private final class Load {
        final Lookup lookup;
        final Supplier<CompletableFuture<ExchangedToken>> exchange;
        final Instant replacing;
        final String valueKey;
        final String leaseKey;
        final long leaseMillis;
        final long endNanos;
        final byte[] owner = new byte[16];
        final CompletableFuture<Loaded> result = new CompletableFuture<>();

        Load(Lookup lookup, Supplier<CompletableFuture<ExchangedToken>> exchange, Instant replacing) {
            this.lookup = lookup;
            this.exchange = exchange;
            this.replacing = replacing;
            this.valueKey = valueKey(lookup);
            this.leaseKey = valueKey + ":lease";
            long halfDeadline = Math.max(1, lookup.deadline().toMillis() / 2);
            // Shorter than the exchange deadline, so a replica that died holding it delays the
            // others by less than one deadline.
            this.leaseMillis = Math.max(1, Math.min(leaseTime.toMillis(), halfDeadline));
            this.endNanos = System.nanoTime() + halfDeadline * 1_000_000L;
            ThreadLocalRandom.current().nextBytes(owner);
        }

        void begin() {
            if (!store.usable()) {
                exchangeHere();
                return;
            }
            read().whenComplete((hit, error) -> {
                if (error != null) {
                    exchangeHere();
                } else if (hit != null) {
                    result.complete(hit);
                } else {
                    tryLease();
                }
            });
        }

        /** The shared entry if it is usable (and, for a refresh, fresher than the local one). */
        CompletableFuture<Loaded> read() {
            return store.get(valueKey).thenApply(value -> {
                if (value == null) {
                    return null;
                }
                StoredToken stored = open(value, lookup, valueKey);
                if (stored == null) {
                    return null;
                }
                // The expiry inside the value, and the local rule again: never served past either.
                Instant staleAt = stored.staleAt();
                Instant local = lookup.staleAt(stored.token());
                if (local.isBefore(staleAt)) {
                    staleAt = local;
                }
                if (!staleAt.isAfter(clock.instant()) || (replacing != null && !staleAt.isAfter(replacing))) {
                    return null;
                }
                return new Loaded(stored.token(), stored.exchangedAt(), false);
            });
        }

        void tryLease() {
            store.lease(leaseKey, owner, leaseMillis).whenComplete((won, error) -> {
                if (error != null) {
                    exchangeHere();
                } else if (won) {
                    // Another replica may have stored the value between the first read and the lease.
                    read().whenComplete((hit, e) -> {
                        if (e == null && hit != null) {
                            store.release(leaseKey, owner, lookup.key());
                            result.complete(hit);
                        } else {
                            exchangeAndStore();
                        }
                    });
                } else if (replacing != null) {
                    // Another replica is refreshing this key: its result will be read later.
                    result.complete(null);
                } else {
                    awaitOther();
                }
            });
        }

        void awaitOther() {
            long left = endNanos - System.nanoTime();
            if (left <= 0) {
                // Waited as long as this lookup may: exchange here, without the lease.
                exchangeHere();
                return;
            }
            // Listening before the read: a message sent between the read and the wait is not missed.
            store.subscribed().handle((ignored, e) -> null).thenRun(() -> awaitOther(left));
        }

        void awaitOther(long left) {
            CompletableFuture<Void> signal = signals.next(lookup.key());
            read().whenComplete((hit, error) -> {
                if (error != null) {
                    signals.forget(lookup.key(), signal);
                    exchangeHere();
                } else if (hit != null) {
                    signals.forget(lookup.key(), signal);
                    result.complete(hit);
                } else {
                    CompletableFuture<Void> woken = new CompletableFuture<>();
                    signal.whenComplete((v, e) -> woken.complete(null));
                    store.schedule(Math.min(left, leaseMillis * 1_000_000L), () -> {
                        if (woken.complete(null)) {
                            signals.forget(lookup.key(), signal);
                        }
                    });
                    woken.thenRun(this::afterWait);
                }
            });
        }

        void afterWait() {
            if (!store.usable()) {
                exchangeHere();
                return;
            }
            read().whenComplete((hit, error) -> {
                if (error != null) {
                    exchangeHere();
                } else if (hit != null) {
                    result.complete(hit);
                } else {
                    // The holder failed (released), or died and its lease expired: take it over.
                    tryLease();
                }
            });
        }

        void exchangeAndStore() {
            exchange.get().whenComplete((token, error) -> {
                if (error != null) {
                    store.release(leaseKey, owner, lookup.key());
                    result.completeExceptionally(error);
                    return;
                }
                Instant now = clock.instant();
                Instant staleAt = lookup.staleAt(token);
                long ttl = Duration.between(now, staleAt).toMillis();
                Loaded loaded = new Loaded(token, now, true);
                if (ttl <= 0) {
                    store.release(leaseKey, owner, lookup.key());
                    result.complete(loaded);
                    return;
                }
                byte[] value = sealer.seal(StoredTokenCodec.encode(new StoredToken(token, now, staleAt)),
                        lookup.subjectToken(), valueKey);
                // Answered once stored (or the store failed, within the command timeout): when the
                // caller holds the token, so does Redis, and a 401 for it can delete it there.
                store.store(valueKey, value, ttl, leaseKey, owner, lookup.key())
                        .whenComplete((ignored, e) -> result.complete(loaded));
            });
        }

        /** This replica's own exchange, as without a shared cache. */
        void exchangeHere() {
            exchange.get().whenComplete((token, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(new Loaded(token, clock.instant(), true));
                }
            });
        }
    }
}
