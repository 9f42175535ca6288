package dev.baton.examples.load;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.testkit.IssuedSecrets;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The loopback servers of {@link IsolationUnderLoadTest}, on Jetty 12 (a MockWebServer would add
 * about 40 ms to each of the JDK client's token requests): a token endpoint that names the subject
 * in every token it issues, and a backend that checks every token belongs to the user the request
 * was made for.
 */
final class LoopbackServers {
    /** The characters each issued token is padded with, so the exchange cache's share of the heap is plain. */
    static final int PADDING = 6_000;
    /** The header naming the user a request is made for; set by the load client, never by Baton. */
    static final String USER_HEADER = "X-Load-User";

    private LoopbackServers() {
    }

    /** A started Jetty with one servlet at {@code /*} behind optional filters. */
    static Server start(HttpServlet servlet, Filter... filters) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(servlet), "/*");
        for (Filter f : filters) {
            context.addFilter(new FilterHolder(f), "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        }
        server.setHandler(context);
        server.start();
        return server;
    }

    static URI uri(Server server, String path) {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + path);
    }

    /**
     * An RFC 8693 token endpoint: reads the subject of the {@code subject_token} JWT (unverified:
     * the test trusts its own issuer) and issues {@code backend.<subject>.<random>-<padding>},
     * counting calls.
     */
    static final class TokenEndpoint extends HttpServlet {
        private static final long serialVersionUID = 1L;
        final AtomicInteger calls = new AtomicInteger();

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            calls.incrementAndGet();
            String subject = subjectOf(req.getParameter("subject_token"));
            if (subject == null) {
                resp.setStatus(400);
                resp.setContentType("application/json");
                resp.getWriter().write("{\"error\":\"invalid_grant\"}");
                return;
            }
            // Its unique start is what the log check remembers: a line with the token contains it,
            // and the run does not keep 1,000 padded tokens alive (the load test weighs the heap).
            String start = IssuedSecrets.remember("backend." + subject + "." + UUID.randomUUID());
            String token = start + "-" + "x".repeat(PADDING);
            resp.setContentType("application/json");
            resp.setHeader("Cache-Control", "no-store");
            resp.getWriter().write(JSONObjectUtils.toJSONString(Map.of("access_token", token, "token_type", "Bearer",
                    "issued_token_type", "urn:ietf:params:oauth:token-type:access_token", "expires_in", 300)));
        }

        private static String subjectOf(String jwt) {
            String[] parts = jwt == null ? new String[0] : jwt.split("\\.");
            if (parts.length != 3) {
                return null;
            }
            try {
                Object sub = JSONObjectUtils.parse(new Base64URL(parts[1]).decodeToString()).get("sub");
                return sub instanceof String s ? s : null;
            } catch (ParseException e) {
                return null;
            }
        }
    }

    /**
     * The backend: answers with the subject its token names, and counts a mismatch whenever that
     * subject is not the user the request was made for ({@link #USER_HEADER}).
     */
    static final class Backend extends HttpServlet {
        private static final long serialVersionUID = 1L;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger mismatches = new AtomicInteger();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            calls.incrementAndGet();
            String authorization = req.getHeader("Authorization");
            String[] parts = authorization == null || !authorization.startsWith("Bearer backend.")
                    ? new String[0] : authorization.substring("Bearer ".length()).split("\\.");
            String subject = parts.length == 3 ? parts[1] : null;
            if (subject == null || !subject.equals(req.getHeader(USER_HEADER))) {
                mismatches.incrementAndGet();
                resp.setStatus(403);
                return;
            }
            resp.setContentType("text/plain");
            resp.getOutputStream().write(subject.getBytes(StandardCharsets.UTF_8));
        }
    }
}
