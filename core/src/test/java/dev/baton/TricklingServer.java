package dev.baton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A hostile token endpoint that answers 200 and then sends its body one byte at a time, forever
 * (bounded only by {@link #close()}). MockWebServer's throttling holds its shutdown until the body
 * is done, so this one is hand-rolled on a plain socket.
 */
final class TricklingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();

    TricklingServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "trickling-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/token";
    }

    int connections() {
        return connections.get();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(5_000);
                readHeaders(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // One byte every 20 ms: each read is "on time", only a total deadline ends it.
                for (int i = 0; i < 5_000 && !socket.isClosed(); i++) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException e) {
                // The client gave up (as it should) or the server was closed: wait for the next one.
            }
        }
    }

    /** Reads a request up to the blank line that ends its headers (or end of stream). */
    static void readHeaders(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
