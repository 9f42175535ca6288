package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Deadlines fire on Baton's own timer and never wait for a caller's callback. */
class TokenExchangerTimerTest {
    @StartStop
    private final MockWebServer unused = new MockWebServer();

    /**
     * Answers every connection with 200 headers and then never sends the body, until closed: only
     * the exchange deadline can end such a call (the HttpClient's own timeout stops at the headers).
     */
    private static final class HangingBodyServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        HangingBodyServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "hanging-body-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/token";
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "hanging-body-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                TricklingServer.readHeaders(in);
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (in.read() >= 0) {
                    // Hold the connection until the client aborts it or the server closes.
                }
            } catch (IOException e) {
                // Closed by either side: done.
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void aBlockingCallbackDoesNotDelayAnotherExchangesDeadline() throws Exception {
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (HangingBodyServer hanging = new HangingBodyServer()) {
            TokenExchanger exchanger = ExchangeFixtures.exchanger(unused).tokenEndpoint(hanging.url())
                    .maxAttempts(1).deadline(Duration.ofMillis(300)).noCache().build();

            CompletableFuture<ExchangedToken> a = exchanger.exchangeAsync(ExchangeFixtures.request("user-a-token"));
            a.whenComplete((t, e) -> {
                inCallback.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(inCallback.await(10, TimeUnit.SECONDS)).isTrue();

            // A's caller is still blocked in its callback; B's deadline must fire all the same.
            CompletableFuture<ExchangedToken> b = exchanger.exchangeAsync(ExchangeFixtures.request("user-b-token"));
            Throwable failure = null;
            try {
                b.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            assertThat(failure).isInstanceOf(TokenExchangeException.class).hasMessageContaining("deadline");
        } finally {
            release.countDown();
        }
    }
}
