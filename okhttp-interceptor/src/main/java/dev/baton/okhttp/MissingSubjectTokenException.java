package dev.baton.okhttp;

import java.io.IOException;

/**
 * A request matched a route but no subject token was found for it (no {@code ValidatedToken} or
 * {@link SubjectToken} tag, and the {@link SubjectTokenSource} had none). The request was not sent:
 * Baton never sends a routed request without an exchanged token, and never with the incoming one.
 */
public final class MissingSubjectTokenException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Thrown by Baton's interceptor; public so that its implementation package can raise it.
     *
     * @param message what was missing, naming the route and never a token
     * @param cause the source's failure, or {@code null}
     */
    public MissingSubjectTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
