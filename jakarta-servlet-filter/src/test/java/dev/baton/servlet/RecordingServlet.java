package dev.baton.servlet;

import dev.baton.ThreadBoundToken;
import dev.baton.ValidatedToken;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The application behind the filter: counts the requests that reach it and records what it saw. */
final class RecordingServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    final AtomicInteger calls = new AtomicInteger();
    final AtomicReference<String> principal = new AtomicReference<>();
    final AtomicReference<String> remoteUser = new AtomicReference<>();
    final AtomicReference<ValidatedToken> attribute = new AtomicReference<>();
    final AtomicReference<ValidatedToken> bound = new AtomicReference<>();
    final AtomicReference<String> body = new AtomicReference<>();
    final AtomicReference<String> authType = new AtomicReference<>();

    void reset() {
        authType.set(null);
        calls.set(0);
        principal.set(null);
        remoteUser.set(null);
        attribute.set(null);
        bound.set(null);
        body.set(null);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        calls.incrementAndGet();
        Principal p = request.getUserPrincipal();
        principal.set(p == null ? null : p.getName());
        remoteUser.set(request.getRemoteUser());
        authType.set(request.getAuthType());
        attribute.set(BearerTokenFilter.validatedToken(request));
        bound.set(ThreadBoundToken.current().orElse(null));
        body.set(new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        if (request.getRequestURI().endsWith("/explode")) {
            throw new IllegalStateException("the application failed");
        }
        response.setStatus(200);
        response.setContentType("text/plain");
        response.getWriter().write("app");
    }
}
