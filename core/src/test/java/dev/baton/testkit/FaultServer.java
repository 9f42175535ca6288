package dev.baton.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A misbehaving HTTP/1.1 server on a loopback socket, for fault tests where timing matters (a
 * MockWebServer answers a JDK client's POST about 40 ms late): every request gets the
 * {@link Fault} currently set, on a connection of its own that the server closes after answering.
 * It counts the requests it received and the connections still open, so a test can check that
 * attempts were bounded and that nothing was left connected. Thread-safe; {@link #close()} ends
 * every connection and thread it started.
 */
public final class FaultServer implements AutoCloseable {
    /** How a request is answered. */
    @FunctionalInterface
    public interface Fault {
        /** Answers one request (already read) on {@code out}; may reset {@code socket}. */
        void answer(Socket socket, OutputStream out) throws IOException;
    }

    private static final int MAX_REQUEST_BYTES = 256 * 1024;

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Fault fault;

    /** Starts a server answering every request with {@code fault}. */
    public FaultServer(Fault fault) throws IOException {
        this.fault = Objects.requireNonNull(fault, "fault");
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "fault-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** Answers the following requests with {@code next}. */
    public void answerWith(Fault next) {
        this.fault = Objects.requireNonNull(next, "fault");
    }

    /** How many complete requests arrived. */
    public int requests() {
        return requests.get();
    }

    /** How many connections are still open on the server's side. */
    public int openConnections() {
        return open.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread handler = new Thread(() -> handle(s), "fault-server-connection");
                handler.setDaemon(true);
                handlers.add(handler);
                handler.start();
            } catch (IOException e) {
                // Closed: the loop ends.
            }
        }
    }

    private void handle(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            if (readRequest(s.getInputStream())) {
                requests.incrementAndGet();
                fault.answer(s, s.getOutputStream());
            }
        } catch (IOException e) {
            // The client gave up or was reset, as a fault test expects: the connection is over.
        } finally {
            open.remove(s);
            handlers.remove(Thread.currentThread());
        }
    }

    /**
     * Reads a request head up to the blank line that ends it; {@code null} if the stream ends first
     * or the head exceeds 256 KiB. For hand-rolled servers of other tests too.
     */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() > MAX_REQUEST_BYTES) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads the request head and its Content-Length body; false if the client left first. */
    private static boolean readRequest(InputStream in) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return false;
        }
        long length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).strip());
            }
        }
        return in.readNBytes((int) Math.min(length, MAX_REQUEST_BYTES)).length == Math.min(length, MAX_REQUEST_BYTES);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        join(acceptor);
        for (Thread t : handlers) {
            join(t);
        }
    }

    private static void join(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- faults -----------------------------------------------------------------------------

    /** A complete response: status, content type, extra header lines ({@code "Name: value"}), body. */
    public static Fault respond(int status, String contentType, String body, String... headers) {
        return (socket, out) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" Fault\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            head.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
        };
    }

    /** Resets the connection (TCP RST) after reading the request, before any byte of an answer. */
    public static Fault resetBeforeResponse() {
        return (socket, out) -> reset(socket);
    }

    /** Sends a 200 head promising 1000 bytes of JSON, part of the body, then resets the connection. */
    public static Fault resetDuringBody() {
        return (socket, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"keys\":[")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            reset(socket);
        };
    }

    /**
     * A 200 whose body arrives one byte every 20 ms, so no single read ever waits long: only a
     * total deadline ends it. Stops when the client leaves (the next write fails) or after 100 s.
     */
    public static Fault trickle() {
        return (socket, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            for (int i = 0; i < 5_000 && !socket.isClosed(); i++) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                out.write(' ');
                out.flush();
            }
        };
    }

    /**
     * A 200 with a body of {@code megabytes} MiB, declared by Content-Length ({@code chunked} false)
     * or sent chunked without one; stops when the client leaves.
     */
    public static Fault huge(int megabytes, boolean chunked) {
        return (socket, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + (megabytes << 20))
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] block = new byte[64 * 1024];
            java.util.Arrays.fill(block, (byte) ' ');
            for (int i = 0; i < megabytes * 16; i++) {
                if (chunked) {
                    out.write("10000\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write(block);
                if (chunked) {
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
        };
    }

    private static void reset(Socket socket) throws SocketException, IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
