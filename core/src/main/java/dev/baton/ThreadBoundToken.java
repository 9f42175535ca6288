package dev.baton;

import java.util.Objects;
import java.util.Optional;

/**
 * The validated token of the request the current thread is serving: a thin view of the one
 * hand-off of the user's token, not a second channel.
 *
 * <p>There is exactly one hand-off. The servlet filter validates the incoming token, puts the
 * {@link ValidatedToken} on the request ({@code BearerTokenFilter.validatedToken(request)}) and
 * binds that same object here for the duration of the filter chain, so code on the request thread
 * can read it without being handed the request (the OkHttp interceptor does, when configured with
 * {@code SubjectTokenSource.threadBound()}). Work on other threads (executors, Reactor, MCP tool
 * handlers, OkHttp's {@code enqueue}) does not see this binding: there the application carries the
 * {@link ValidatedToken} explicitly and tags each outgoing OkHttp request with it
 * ({@code new Request.Builder().tag(ValidatedToken.class, user)}); the interceptor reads that tag
 * before any thread binding.
 *
 * <p>A {@link Binding} must be closed on the thread that created it, in a {@code finally} block
 * or try-with-resources: the binding lives in a thread-local, so closing it on another thread
 * would change that other thread's binding and leave this one bound (a later request served by
 * the same pooled thread would then see a previous user's token).
 *
 * <pre>{@code
 * try (ThreadBoundToken.Binding b = ThreadBoundToken.bind(token)) {
 *     chain.doFilter(request, response);
 * }
 * }</pre>
 */
public final class ThreadBoundToken {
    private static final ThreadLocal<ValidatedToken> CURRENT = new ThreadLocal<>();

    private ThreadBoundToken() {
    }

    /**
     * Binds {@code token} to the current thread until the returned binding is closed, which restores
     * whatever was bound before (so bindings nest). The binding must be closed on this same thread.
     */
    public static Binding bind(ValidatedToken token) {
        Objects.requireNonNull(token, "token");
        ValidatedToken previous = CURRENT.get();
        CURRENT.set(token);
        return new Binding(previous);
    }

    /** The token bound to the current thread, if any. */
    public static Optional<ValidatedToken> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * An active binding; {@link #close()} undoes it. Closing twice has no further effect. Close it
     * on the thread that created it (see the class description).
     */
    public static final class Binding implements AutoCloseable {
        private final ValidatedToken previous;
        private boolean closed;

        private Binding(ValidatedToken previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
