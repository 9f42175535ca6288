package dev.baton.examples.apollo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The Apollo GraphQL backend ({@code examples/apollo-backend}) as a Node child process:
 * {@code node src/server.js} on 127.0.0.1 and an ephemeral port, accepting the tokens of one issuer
 * for one audience with a set of scopes: those the countries MCP server's token exchange asks for.
 *
 * <p>Its stdout (and stderr) is read line by line on a daemon thread: each line is kept (the last
 * {@value #MAX_LINES}) for {@link #lines()} and {@link #awaitLine}, and handed to the listener given
 * at start. The URL comes from its {@code APOLLO_BACKEND_LISTENING url=...} line. {@link #close()}
 * sends SIGTERM, waits a bounded time, then kills it and its descendants. A shutdown hook does the
 * same on a normal JVM exit; if the JVM is killed outright, the child sees end-of-file on its stdin
 * (started with {@code BATON_EXIT_ON_STDIN_EOF=1}) and exits by itself.
 */
public final class ApolloBackendProcess implements AutoCloseable {
    /** How many output lines are kept. */
    public static final int MAX_LINES = 10_000;
    private static final String LISTENING = "APOLLO_BACKEND_LISTENING url=";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final Thread killOnExit;
    private final String graphqlUrl;
    private final Deque<String> lines;

    private ApolloBackendProcess(Process process, Thread killOnExit, String graphqlUrl, Deque<String> lines) {
        this.process = process;
        this.killOnExit = killOnExit;
        this.graphqlUrl = graphqlUrl;
        this.lines = lines;
    }

    /**
     * The directory of the Apollo backend: system property {@code baton.apollo.dir} (set by the
     * Maven build), else {@code examples/apollo-backend} or {@code apollo-backend} under the
     * working directory.
     */
    public static Path defaultDirectory() {
        String configured = System.getProperty("baton.apollo.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path fromRoot = Path.of("examples", "apollo-backend");
        return Files.isDirectory(fromRoot) ? fromRoot : Path.of("apollo-backend");
    }

    /**
     * Starts the backend and waits until it listens.
     *
     * @param directory the backend's directory (with {@code node_modules} installed)
     * @param issuer the issuer whose tokens it accepts ({@code BACKEND_ISSUER}; JWKS via discovery)
     * @param audience the audience those tokens must carry ({@code BACKEND_AUDIENCE}): the token
     *     exchange's {@code TOKEN_EXCHANGE_AUDIENCE}
     * @param scopes the scopes they must all carry ({@code BACKEND_REQUIRED_SCOPES}): the token
     *     exchange's {@code TOKEN_EXCHANGE_SCOPES}; none means the backend's default, {@code backend-api:read}
     * @param listener receives every output line, on the reader thread
     * @param timeout how long to wait for the listening line
     * @throws IOException if node cannot start, refuses its settings, exits, or does not listen in time
     */
    public static ApolloBackendProcess start(Path directory, String issuer, String audience, List<String> scopes,
            Consumer<String> listener, Duration timeout) throws IOException {
        return start(directory, issuer, audience, scopes, listener, timeout, null);
    }

    /**
     * As {@link #start(Path, String, String, List, Consumer, Duration)}, for a backend that clients
     * reach through a proxy at {@code publicUrl} ({@code BACKEND_PUBLIC_URL}): the URL a DPoP
     * proof's {@code htu} names (RFC 9449 §4.3), instead of the one it listens on.
     *
     * @param publicUrl the GraphQL URL clients address, or {@code null} for the listening one
     * @throws IOException as the other {@code start}
     */
    public static ApolloBackendProcess start(Path directory, String issuer, String audience, List<String> scopes,
            Consumer<String> listener, Duration timeout, String publicUrl) throws IOException {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(scopes, "scopes");
        Objects.requireNonNull(listener, "listener");
        if (!Files.isDirectory(directory.resolve("node_modules"))) {
            throw new IOException("the Apollo backend's dependencies are not installed in " + directory.toAbsolutePath()
                    + ": build with ./mvnw (it runs npm ci), or run npm ci there");
        }
        ProcessBuilder builder = new ProcessBuilder("node", "src/server.js")
                .directory(directory.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        env.put("BACKEND_ISSUER", issuer);
        env.put("BACKEND_AUDIENCE", audience);
        // Only DPoP-bound tokens with a valid proof carrying the backend's nonce (RFC 9449 §7, §9),
        // whatever the parent's environment says: the MCP server's interceptor answers the nonce
        // challenge of its first call.
        env.put("BACKEND_DPOP", "required");
        env.put("BACKEND_DPOP_NONCE", "required");
        if (publicUrl == null) {
            env.remove("BACKEND_PUBLIC_URL");
        } else {
            env.put("BACKEND_PUBLIC_URL", publicUrl);
        }
        env.remove("BACKEND_REQUIRED_SCOPE");
        if (scopes.isEmpty()) {
            env.remove("BACKEND_REQUIRED_SCOPES");
        } else {
            env.put("BACKEND_REQUIRED_SCOPES", String.join(" ", scopes));
        }
        // A shutdown hook does not run when the JVM is SIGKILLed or crashes. The child's stdin is
        // a pipe this JVM holds open (never written, never closed) for the child's whole life;
        // the kernel closes it when this JVM dies, however it dies, and the child exits on that
        // end-of-file.
        env.put("BATON_EXIT_ON_STDIN_EOF", "1");
        Process process = builder.start();
        // The JVM does not stop its children: make sure Ctrl-C (or any exit) stops this one, even
        // when it comes before anyone holds this object.
        Thread killOnExit = new Thread(() -> stop(process), "apollo-backend-stop");
        Runtime.getRuntime().addShutdownHook(killOnExit);

        Deque<String> lines = new ArrayDeque<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> read(process, lines, url, listener), "apollo-backend-output");
        reader.setDaemon(true);
        reader.start();
        process.onExit().thenRun(() -> url.completeExceptionally(
                new IOException("the Apollo backend exited with status " + process.exitValue())));
        try {
            String graphqlUrl = url.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ApolloBackendProcess(process, killOnExit, graphqlUrl, lines);
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            removeHook(killOnExit);
            String output;
            synchronized (lines) {
                output = String.join("\n", lines);
            }
            String why = e instanceof TimeoutException ? "did not listen within " + timeout : e.getCause().getMessage();
            throw new IOException("the Apollo backend " + why + "; its output:\n" + output);
        } catch (InterruptedException e) {
            stop(process);
            removeHook(killOnExit);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the Apollo backend", e);
        }
    }

    private static void read(Process process, Deque<String> lines, CompletableFuture<String> url,
            Consumer<String> listener) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.addLast(line);
                    if (lines.size() > MAX_LINES) {
                        lines.removeFirst();
                    }
                    lines.notifyAll();
                }
                if (line.startsWith(LISTENING)) {
                    url.complete(line.substring(LISTENING.length()).trim());
                }
                listener.accept(line);
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
    }

    /** The GraphQL endpoint, e.g. {@code http://127.0.0.1:41235/graphql}. */
    public String graphqlUrl() {
        return graphqlUrl;
    }

    /** A snapshot of the output lines read so far (the last {@value #MAX_LINES}). */
    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /**
     * Waits until {@code count} output lines match, at most {@code timeout}.
     *
     * @return the matching lines, in order
     * @throws TimeoutException if fewer matched in time
     */
    public List<String> awaitLines(Predicate<String> match, int count, Duration timeout)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                List<String> found = lines.stream().filter(match).toList();
                if (found.size() >= count) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("expected " + count + " matching backend lines, saw " + found.size());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** Waits for one matching output line; see {@link #awaitLines}. */
    public String awaitLine(Predicate<String> match, Duration timeout) throws TimeoutException, InterruptedException {
        List<String> found = awaitLines(match, 1, timeout);
        return found.get(found.size() - 1);
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the backend: SIGTERM, a bounded wait, then a forced kill of it and its descendants. */
    @Override
    public void close() {
        stop(process);
        removeHook(killOnExit);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs (or ran) anyway; stopping twice is harmless.
        }
    }

    private static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
