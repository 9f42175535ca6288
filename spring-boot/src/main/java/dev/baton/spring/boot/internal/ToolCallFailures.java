package dev.baton.spring.boot.internal;

/**
 * Where Baton's HTTP-client interceptors leave the reason a routed call was not sent, for the MCP
 * tool call running on the same thread. Spring AI turns an exception from a tool method into a
 * tool result whose text is the exception's message and its root cause's — for a failed
 * {@code RestClient} call that includes the backend's URL — or, for a checked exception, into an
 * HTTP 500. The tool wrapper opens a scope around each sync tool call; when the call fails or
 * ends in an error result and a Baton failure was recorded in the scope, the wrapper answers with
 * Baton's short, safe tool error instead. Outside a scope, recording does nothing. Not API.
 */
public final class ToolCallFailures {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private ToolCallFailures() {
    }

    /** Records that a call to {@code backend} was not sent because of {@code failure}; kept only inside a scope. */
    public static void record(String backend, Throwable failure) {
        Scope scope = CURRENT.get();
        if (scope != null && scope.failure == null) {
            scope.backend = backend;
            scope.failure = failure;
        }
    }

    /** Opens a scope on this thread; close it on the same thread (try-with-resources). */
    public static Scope open() {
        Scope scope = new Scope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** One tool call's record: the first Baton failure in it, if any. */
    public static final class Scope implements AutoCloseable {
        private final Scope outer;
        private String backend;
        private Throwable failure;

        private Scope(Scope outer) {
            this.outer = outer;
        }

        /** The backend of the first recorded failure, or {@code null}. */
        public String backend() {
            return backend;
        }

        /** The first recorded failure, or {@code null}. */
        public Throwable failure() {
            return failure;
        }

        /** Restores the enclosing scope, if any. */
        @Override
        public void close() {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}
