package dev.baton.redis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Redis master and one Sentinel watching it ({@code redis-server --sentinel}), both real processes
 * on loopback, for a client that finds the master through Sentinel. {@link #close()} stops both.
 */
public final class RedisSentinel implements AutoCloseable {
    /** The master's name in Sentinel. */
    public static final String MASTER = "baton-master";

    private final RedisProcess master;
    private final RedisProcess sentinel;
    private final Path dir;

    private RedisSentinel(RedisProcess master, RedisProcess sentinel, Path dir) {
        this.master = master;
        this.sentinel = sentinel;
        this.dir = dir;
    }

    /** Starts a master, then a Sentinel monitoring it (quorum 1), and waits until both accept connections. */
    public static RedisSentinel start() {
        RedisProcess master = RedisProcess.start();
        try {
            // Sentinel rewrites its configuration file, so it gets a writable one of its own.
            Path dir = Files.createTempDirectory("baton-redis-sentinel");
            Path config = dir.resolve("sentinel.conf");
            Files.writeString(config, "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 1\n"
                    + "sentinel down-after-milliseconds " + MASTER + " 60000\n", StandardCharsets.US_ASCII);
            RedisProcess sentinel = RedisProcess.start(List.of(config.toString(), "--sentinel"));
            return new RedisSentinel(master, sentinel, dir);
        } catch (IOException e) {
            master.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            master.close();
            throw e;
        }
    }

    /** {@code redis-sentinel://127.0.0.1:port#baton-master}, Lettuce's Sentinel URI. */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinel.port() + "#" + MASTER;
    }

    /** {@code redis://127.0.0.1:port} of the master itself. */
    public String masterUri() {
        return master.uri();
    }

    @Override
    public void close() {
        sentinel.close();
        master.close();
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A temporary directory left behind is harmless.
        }
    }
}
