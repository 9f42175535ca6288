package dev.baton.redis.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ReplicaMain} in a second JVM, on this JVM's class path, talked to over its standard
 * input and output. {@link #close()} ends it (closing its input, then killing it); always call it.
 */
public final class SecondJvm implements AutoCloseable {
    private final Process process;
    private final Writer input;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private SecondJvm(Process process) {
        this.process = process;
        this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // The process is gone.
            }
        }, "second-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code ReplicaMain args} and waits (at most 60 s) until it is ready. */
    public static SecondJvm start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dslf4j.provider=dev.baton.testkit.logging.CapturingSlf4jProvider");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ReplicaMain.class.getName());
        command.addAll(List.of(args));
        try {
            SecondJvm jvm = new SecondJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
            jvm.expect("ready", 60);
            return jvm;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one line. */
    public void send(String line) {
        try {
            input.write(line + "\n");
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line starting with {@code prefix}, waiting at most {@code seconds}. */
    public String expect(String prefix, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (true) {
                String line = lines.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IllegalStateException("the second JVM printed no '" + prefix + "' within " + seconds
                            + " s (alive: " + process.isAlive() + ")");
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills it at once, as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                input.close();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (IOException | InterruptedException e) {
                kill();
            }
        }
    }
}
