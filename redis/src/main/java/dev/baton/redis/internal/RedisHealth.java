package dev.baton.redis.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answers, logged once per change of state, never per failed command. Redis is
 * considered down after {@value #FAILURES_TO_DOWN} failed commands in a row (one slow answer on a
 * busy host is not an outage; a stopped or frozen Redis fails every command). While it is down the
 * shared cache is skipped (exchanges go to the token endpoint as without it), but for one
 * probe per interval, whose success brings it back. Only exception class names are logged: a
 * client's message may quote a URI. Not API.
 */
public final class RedisHealth {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.redis");

    private final long probeIntervalNanos;
    /** Failed commands in a row after which Redis is considered down. */
    static final int FAILURES_TO_DOWN = 3;

    private final AtomicBoolean down = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger failuresInARow = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong nextProbe = new AtomicLong();
    private final AtomicLong nextCorruptLog = new AtomicLong(System.nanoTime());

    /** @param probeIntervalNanos how often a call may try Redis while it is down */
    public RedisHealth(long probeIntervalNanos) {
        this.probeIntervalNanos = probeIntervalNanos;
    }

    /** Whether this call may use Redis: always while it is up, one call per interval while it is down. */
    public boolean allow() {
        if (!down.get()) {
            return true;
        }
        long next = nextProbe.get();
        long now = System.nanoTime();
        return now - next >= 0 && nextProbe.compareAndSet(next, now + probeIntervalNanos);
    }

    /** Whether Redis is considered down. */
    public boolean isDown() {
        return down.get();
    }

    /** A command succeeded. */
    void succeeded() {
        failuresInARow.set(0);
        if (down.compareAndSet(true, false)) {
            LOG.info("shared token cache: Redis answers again; using it");
        }
    }

    /** A command failed or timed out. */
    void failed(Throwable error) {
        if (failuresInARow.incrementAndGet() < FAILURES_TO_DOWN && !down.get()) {
            return;
        }
        nextProbe.set(System.nanoTime() + probeIntervalNanos);
        if (down.compareAndSet(false, true)) {
            LOG.warn("shared token cache: Redis unavailable ({}); exchanging without it until it answers again",
                    rootName(error));
        }
    }

    /** A value failed to decrypt or parse (it is deleted and read as a miss); logged at most once a minute. */
    void corruptValue() {
        long next = nextCorruptLog.get();
        long now = System.nanoTime();
        if (now - next >= 0 && nextCorruptLog.compareAndSet(next, now + 60_000_000_000L)) {
            LOG.warn("shared token cache: a value failed to decrypt or parse (another deployment secret, "
                    + "tampering or corruption); treated as a miss and deleted");
        }
    }

    private static String rootName(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }
}
