package dev.baton.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Keeps a client's next request off a connection that is about to be dropped. Baton answers a
 * refusal without waiting for the request's body; when part of that body has not arrived yet, the
 * container cannot drain it and closes the connection after the answer, silently, so a client that
 * reuses the connection (the JDK's {@code HttpClient} does not retry a {@code POST}) sees its next
 * request fail with no response at all. Saying {@code Connection: close} on the answer tells the
 * client first (RFC 9112 §9.6). Not API.
 */
public final class UnreadBody {
    private UnreadBody() {
    }

    /**
     * Adds {@code Connection: close} to {@code response} when {@code request} is HTTP/1.x and
     * declares a body ({@code Content-Length} above zero, or {@code Transfer-Encoding}). Call before
     * the response is committed. HTTP/2 and HTTP/3 are left alone: they forbid the header (RFC 9113
     * §8.2.2) and end only the stream.
     */
    public static void endConnection(HttpServletRequest request, HttpServletResponse response) {
        String protocol = request.getProtocol();
        if (!"HTTP/1.1".equals(protocol) && !"HTTP/1.0".equals(protocol)) {
            return;
        }
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            response.setHeader("Connection", "close");
        }
    }
}
