package dev.baton.benchmarks;

import jakarta.servlet.Filter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty 12 server on 127.0.0.1 (any free port) serving one servlet at one path,
 * optionally behind one filter: the real HTTP peer of the network rows (token endpoint, servlet
 * filter, GraphQL stub). Jetty answers on loopback without the delayed-ACK stalls MockWebServer
 * shows on POST bodies, so it can stand on a measured path.
 */
final class LoopbackJetty implements AutoCloseable {
    private final Server server;
    private final int port;

    private LoopbackJetty(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts {@code servlet} at {@code path}, behind {@code filter} when it is not {@code null}. */
    static LoopbackJetty start(String path, HttpServlet servlet, Filter filter) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        if (filter != null) {
            context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder(servlet), path);
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new LoopbackJetty(server, connector.getLocalPort());
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
