package dev.baton;

import java.util.Objects;
import java.util.Optional;

/**
 * The validated token of the request the current thread is serving.
 *
 * <p>The servlet filter binds the token for the duration of a request and unbinds it in a
 * {@code finally} block; the OkHttp interceptor can read it as a subject-token source. Work handed
 * to other threads (executors, Reactor) does not see it: carry the {@link ValidatedToken}
 * explicitly there.
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
