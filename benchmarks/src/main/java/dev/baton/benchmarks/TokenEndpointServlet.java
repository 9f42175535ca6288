package dev.baton.benchmarks;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token endpoint for the network rows: reads the whole form POST and answers every call with an
 * RFC 8693 §2.2.1 success (a Bearer access token valid for an hour), counting the calls. The
 * issued token is {@code xt-} and the call's number in 13 digits (16 characters), so every call
 * gets a distinct token of known size. It checks nothing: the benchmarks measure the client side.
 */
final class TokenEndpointServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final AtomicLong calls = new AtomicLong();
    private volatile byte[] firstBody;
    private volatile String firstAuthorization;
    private volatile String firstContentType;

    /** The POSTs answered so far. */
    long calls() {
        return calls.get();
    }

    /** The body of the first POST, to replay the very same request with another client. */
    byte[] firstBody() {
        return firstBody;
    }

    /** The {@code Authorization} header of the first POST (client authentication), or {@code null}. */
    String firstAuthorization() {
        return firstAuthorization;
    }

    /** The {@code Content-Type} of the first POST. */
    String firstContentType() {
        return firstContentType;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] form = request.getInputStream().readAllBytes();
        if (firstBody == null) {
            firstAuthorization = request.getHeader("Authorization");
            firstContentType = request.getContentType();
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
