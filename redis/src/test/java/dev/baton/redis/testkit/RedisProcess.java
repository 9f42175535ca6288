package dev.baton.redis.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (6.2, Linux x86-64) as a child process on loopback, from the binary
 * that {@code com.github.codemonstur:embedded-redis} ships in its jar: nothing installed on the
 * machine. The process itself is exposed so that fault tests can kill it, pause it ({@code SIGSTOP})
 * and resume it. No persistence. {@link #close()} kills it; always call it (try-with-resources or
 * {@code @AfterAll}).
 */
public final class RedisProcess implements AutoCloseable {
    private static final String BINARY = "redis-server-6.2.6-v5-linux-amd64";
    private static Path extracted;

    private final int port;
    private final List<String> arguments;
    private Process process;

    private RedisProcess(int port, List<String> arguments) {
        this.port = port;
        this.arguments = List.copyOf(arguments);
    }

    /** Starts a server on a free loopback port and waits until it accepts connections. */
    public static RedisProcess start() {
        return start(List.of());
    }

    /**
     * Starts a server on a free loopback port with further {@code redis-server} arguments (for
     * example {@code --user}, or a configuration file first and {@code --sentinel}), and waits until
     * it accepts connections.
     */
    public static RedisProcess start(List<String> arguments) {
        return start(freePort(), arguments);
    }

    /** As {@link #start(List)}, on {@code port}. */
    public static RedisProcess start(int port, List<String> arguments) {
        RedisProcess redis = new RedisProcess(port, arguments);
        redis.startProcess();
        return redis;
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The process id (for a test that signals it). */
    public long pid() {
        return process.pid();
    }

    /** Kills the server at once ({@code SIGKILL}): an outage, its data lost. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the server again on the same port, empty. */
    public void restart() {
        kill();
        startProcess();
    }

    /** Freezes the server ({@code SIGSTOP}): connections stay open, nothing answers. */
    public void pause() {
        signal("-STOP");
    }

    /** Resumes a {@linkplain #pause() paused} server ({@code SIGCONT}). */
    public void resume() {
        signal("-CONT");
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            // A paused process must be resumed to die cleanly; SIGKILL works either way.
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void startProcess() {
        try {
            List<String> command = new java.util.ArrayList<>();
            command.add(binary().toString());
            // A configuration file (Sentinel's) must come first; options after it override it.
            if (!arguments.isEmpty() && !arguments.get(0).startsWith("--")) {
                command.add(arguments.get(0));
            }
            command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"));
            command.addAll(arguments.isEmpty() || arguments.get(0).startsWith("--") ? arguments
                    : arguments.subList(1, arguments.size()));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> drain(process.getInputStream(), ready), "redis-server-output");
        reader.setDaemon(true);
        reader.start();
        // Ready when the port accepts a connection, within a deadline.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue());
            }
            try {
                new java.net.Socket(InetAddress.getLoopbackAddress(), port).close();
                return;
            } catch (IOException notYet) {
                try {
                    ready.await(20, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        close();
        throw new IllegalStateException("redis-server did not start within 20 s");
    }

    private static void drain(InputStream in, CountDownLatch ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.contains("Ready to accept connections")) {
                    ready.countDown();
                }
            }
        } catch (IOException ended) {
            // The process is gone.
        }
    }

    private static synchronized Path binary() throws IOException {
        if (extracted == null) {
            try (InputStream in = RedisProcess.class.getClassLoader().getResourceAsStream(BINARY)) {
                if (in == null) {
                    throw new IllegalStateException(BINARY + " not on the class path (embedded-redis)");
                }
                Path dir = Files.createTempDirectory("baton-redis-test");
                Path file = dir.resolve("redis-server");
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                if (!file.toFile().setExecutable(true, true)) {
                    throw new IllegalStateException("cannot make redis-server executable");
                }
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                extracted = file;
            }
        }
        return extracted;
    }

    /**
     * A free loopback port below 55536 whose port + 10000 (a cluster node's bus port in Redis 6.2)
     * is free too.
     */
    public static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            if (port < 55536) {
                try (ServerSocket bus = new ServerSocket(port + 10_000, 1, InetAddress.getLoopbackAddress())) {
                    return bus.getLocalPort() - 10_000;
                } catch (IOException taken) {
                    // Try another.
                }
            }
        }
        throw new IllegalStateException("no free port pair for a cluster node");
    }

    /** A free loopback port. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
