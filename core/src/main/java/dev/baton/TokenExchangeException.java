package dev.baton;

/**
 * A token exchange (RFC 8693) did not produce a usable token.
 *
 * <p>The message never contains a token or a client secret. {@link #error()} is the OAuth error
 * code of an RFC 8693 §2.2.2 / RFC 6749 §5.2 error response ({@code invalid_grant},
 * {@code invalid_target}, ...), or {@code null} when the failure was not an OAuth error (network,
 * deadline, malformed response). {@link #isRetryable()} says whether trying again later could help;
 * Baton has already retried what was worth retrying within its deadline.
 */
public final class TokenExchangeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String error;
    private final String errorDescription;
    private final int httpStatus;
    private final boolean retryable;

    /**
     * @param message what went wrong, without any token or secret
     * @param error the OAuth {@code error} code, or {@code null}
     * @param errorDescription the server's {@code error_description}, or {@code null}
     * @param httpStatus the token endpoint's HTTP status, or 0 when there was no response
     * @param retryable whether a later retry could succeed
     * @param cause the underlying failure, or {@code null}
     */
    public TokenExchangeException(String message, String error, String errorDescription, int httpStatus,
            boolean retryable, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.errorDescription = errorDescription;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
    }

    /** The OAuth {@code error} code, or {@code null} when the failure was not an OAuth error response. */
    public String error() {
        return error;
    }

    /** The server's {@code error_description}, or {@code null}. */
    public String errorDescription() {
        return errorDescription;
    }

    /** The token endpoint's HTTP status, or 0 when no response was received. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether trying again later could succeed (connection errors, 5xx, 429, deadline). */
    public boolean isRetryable() {
        return retryable;
    }
}
