package dev.baton;

import dev.baton.testkit.FaultServer;
import java.io.IOException;
import java.io.InputStream;

/**
 * A hostile token endpoint that answers 200 and then sends its body one byte at a time, for as
 * long as the client stays: the {@link FaultServer#trickle()} fault of the test kit's fault server
 * (MockWebServer's throttling holds its shutdown until the body is done).
 */
final class TricklingServer implements AutoCloseable {
    private final FaultServer server;

    TricklingServer() throws IOException {
        server = new FaultServer(FaultServer.trickle());
    }

    String url() {
        return server.url("/token");
    }

    /** How many requests (one per connection) arrived. */
    int connections() {
        return server.requests();
    }

    /** Reads a request up to the blank line that ends its headers (or end of stream). */
    static void readHeaders(InputStream in) throws IOException {
        FaultServer.readHead(in);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
