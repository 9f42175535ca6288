package dev.baton.servlet;

import dev.baton.ThreadBoundToken;
import dev.baton.ValidatedToken;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An application that answers asynchronously, as MCP Streamable HTTP servers do, and records what
 * it saw. By path:
 * <ul>
 *   <li>{@code .../respond}: {@code startAsync()}, then writes and completes from another thread;</li>
 *   <li>{@code .../dispatch}: {@code startAsync()}, then {@code AsyncContext.dispatch()} from another
 *   thread, answered on the async dispatch;</li>
 *   <li>{@code .../dispatch-to-mcp}: {@code startAsync()}, then {@code dispatch("/mcp/landing")};</li>
 *   <li>anything on an {@code ASYNC} dispatch: records the dispatch and answers 200.</li>
 * </ul>
 */
final class AsyncServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    final transient ExecutorService worker = Executors.newSingleThreadExecutor();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger asyncDispatches = new AtomicInteger();
    final AtomicReference<String> asyncPrincipal = new AtomicReference<>();
    final AtomicReference<ValidatedToken> asyncAttribute = new AtomicReference<>();
    final AtomicReference<ValidatedToken> dispatchBound = new AtomicReference<>();
    final AtomicReference<ValidatedToken> dispatchAttribute = new AtomicReference<>();
    final AtomicReference<String> dispatchPrincipal = new AtomicReference<>();
    final AtomicReference<Throwable> startAsyncFailure = new AtomicReference<>();

    void reset() {
        requests.set(0);
        asyncDispatches.set(0);
        asyncPrincipal.set(null);
        asyncAttribute.set(null);
        dispatchBound.set(null);
        dispatchAttribute.set(null);
        dispatchPrincipal.set(null);
        startAsyncFailure.set(null);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            asyncDispatches.incrementAndGet();
            dispatchBound.set(ThreadBoundToken.current().orElse(null));
            dispatchAttribute.set(BearerTokenFilter.validatedToken(request));
            Principal p = request.getUserPrincipal();
            dispatchPrincipal.set(p == null ? null : p.getName());
            write(response, "dispatched");
            return;
        }
        requests.incrementAndGet();
        AsyncContext async;
        try {
            async = request.startAsync();
        } catch (IllegalStateException e) {
            startAsyncFailure.set(e);
            throw e;
        }
        String uri = request.getRequestURI();
        worker.execute(() -> {
            try {
                if (uri.endsWith("/dispatch")) {
                    async.dispatch();
                } else if (uri.endsWith("/dispatch-to-mcp")) {
                    async.dispatch("/mcp/landing");
                } else {
                    HttpServletRequest req = (HttpServletRequest) async.getRequest();
                    Principal p = req.getUserPrincipal();
                    asyncPrincipal.set(p == null ? null : p.getName());
                    asyncAttribute.set(BearerTokenFilter.validatedToken(req));
                    write((HttpServletResponse) async.getResponse(), "async");
                    async.complete();
                }
            } catch (IOException | RuntimeException e) {
                async.complete();
            }
        });
    }

    private static void write(HttpServletResponse response, String body) throws IOException {
        response.setStatus(200);
        response.setContentType("text/plain");
        response.getWriter().write(body);
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}
