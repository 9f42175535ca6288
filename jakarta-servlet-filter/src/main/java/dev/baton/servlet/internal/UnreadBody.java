package dev.baton.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Keeps a client's next request off a connection that is about to be dropped. Baton answers a
 * refusal without waiting for the request's body, and writes the whole answer at once (so no later
 * filter appends to it); when part of that body has not arrived yet, the container cannot drain it
 * and closes the connection after the answer, silently, so a client that reuses the connection
 * (the JDK's {@code HttpClient} does not retry a {@code POST}) sees its next request fail with no
 * response at all. Saying {@code Connection: close} on the answer tells the client first (RFC 9112
 * §9.6). A body Baton has read to its end ({@link #markRead}) leaves the connection open. Not API.
 */
public final class UnreadBody {
    /** The request attribute that says Baton read the body to its end; clients cannot set attributes. */
    static final String READ = "dev.baton.servlet.internal.UnreadBody.read";

    private UnreadBody() {
    }

    /** Records that {@code request}'s body was read to its end, so a refusal may keep the connection. */
    public static void markRead(HttpServletRequest request) {
        request.setAttribute(READ, Boolean.TRUE);
    }

    /**
     * Adds {@code Connection: close} to {@code response} when {@code request} is HTTP/1.x, declares a
     * body ({@code Content-Length} above zero, or {@code Transfer-Encoding}) and that body was not
     * {@linkplain #markRead read to its end}. Call before the response is committed. HTTP/2 and
     * HTTP/3 are left alone: they forbid the header (RFC 9113 §8.2.2) and end only the stream.
     */
    public static void endConnection(HttpServletRequest request, HttpServletResponse response) {
        String protocol = request.getProtocol();
        if (!"HTTP/1.1".equals(protocol) && !"HTTP/1.0".equals(protocol)) {
            return;
        }
        boolean declaresBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (declaresBody && request.getAttribute(READ) == null) {
            response.setHeader("Connection", "close");
        }
    }
}
