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
     * @param message what was missing, without any token
     * @param cause the source's failure, or {@code null}
     */
    MissingSubjectTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
