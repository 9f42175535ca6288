package dev.baton.benchmarks;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token endpoint for the network rows: reads the whole form POST and answers every call with an
 * RFC 8693 §2.2.1 success (a Bearer access token valid for an hour), counting the calls. The
 * issued token is {@code xt-} and the call's number in 13 digits (16 characters), so every call
 * gets a distinct token of known size. It checks nothing: the benchmarks measure the client side.
 */
final class TokenEndpointServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /**
     * Headers the JDK HttpClient writes itself (framing, host, the h2c upgrade offer, its user agent):
     * a replay through the same kind of client sends them as they were, so they are not recorded.
     */
    private static final Set<String> CLIENT_OWN_HEADERS =
            Set.of("connection", "content-length", "host", "upgrade", "http2-settings", "user-agent");

    private final AtomicLong calls = new AtomicLong();
    private volatile byte[] firstBody;
    private volatile Map<String, List<String>> firstHeaders;

    /** The POSTs answered so far. */
    long calls() {
        return calls.get();
    }

    /** The body of the first POST, to replay the very same request with another client. */
    byte[] firstBody() {
        return firstBody;
    }

    /**
     * The headers of the first POST that the client chose (content type, client authentication,
     * accept, cache directives, ...), in the order they came, without those the JDK client writes
     * itself.
     */
    Map<String, List<String>> firstHeaders() {
        return firstHeaders;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] form = request.getInputStream().readAllBytes();
        if (firstBody == null) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String name : Collections.list(request.getHeaderNames())) {
                if (!CLIENT_OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.put(name, Collections.list(request.getHeaders(name)));
                }
            }
            firstHeaders = headers;
            firstBody = form;
        }
        String token = String.format(Locale.ROOT, "xt-%013d", calls.incrementAndGet());
        byte[] body = Fixtures.tokenResponse(token).getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
