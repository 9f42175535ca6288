package dev.baton.mcp;

import dev.baton.TokenExchangeException;
import dev.baton.internal.Checks;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Tool results for failed backend calls: what an MCP client should see when a tool could not reach
 * the API behind it, as an MCP tool result with {@code isError: true} (MCP 2025-11-25 server
 * tools, "Error Handling": tool execution errors are reported in the result, so the model can
 * see them) rather than a protocol error or an HTTP status the tool cannot set.
 *
 * <pre>{@code
 * try (Response response = http.newCall(request).execute()) {     // a TokenExchangeInterceptor client
 *     return CallToolResult.builder().addTextContent(response.body().string()).build();
 * } catch (IOException e) {
 *     return ToolErrors.backendFailure("countries backend", e);
 * }
 * }</pre>
 *
 * <p>The message is short and safe to show: the backend's name as the caller gives it, and whether
 * access was refused or the backend is unavailable. It never holds a token, a URL or an exception
 * message; the audit log ({@code dev.baton.audit}) has the exchange's details. A failure whose cause
 * chain holds a {@link TokenExchangeException} (as {@code TokenExchangeIOException} of baton-okhttp
 * always does, through its {@code exchangeException()}) means the request was never sent: Baton
 * sends nothing upstream without an exchanged token. This class needs neither OkHttp nor
 * baton-okhttp.
 */
public final class ToolErrors {
    /** OAuth error codes as RFC 6749 §5.2 defines them; anything else is not repeated. */
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int MAX_CAUSES = 16;

    private ToolErrors() {
    }

    /**
     * A tool result with {@code isError: true} describing why a call to {@code backend} failed:
     * <ul>
     *   <li>the token exchange was refused (an OAuth error such as {@code invalid_grant} or
     *       {@code invalid_target}, not retryable): "Access to the {backend} was refused: the token
     *       exchange failed ({error}). Nothing was sent to it.";</li>
     *   <li>the exchange could not complete (authorization server down, slow or answering 5xx):
     *       "The {backend} is unavailable: the token exchange did not complete. Nothing was sent to
     *       it; try again later.";</li>
     *   <li>the call timed out: "The {backend} did not answer in time.";</li>
     *   <li>any other failure: "The {backend} is unreachable."</li>
     * </ul>
     *
     * @param backend what the user knows the API as, such as {@code "countries backend"}; shown as given
     * @param failure what the call threw
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code backend} is blank or longer than 100 characters
     */
    public static CallToolResult backendFailure(String backend, Throwable failure) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(failure, "failure");
        Checks.requireArgument(!backend.isBlank() && backend.length() <= 100,
                "backend must be a short name (1 to 100 characters)");
        return CallToolResult.builder().addTextContent(message(backend, failure)).isError(true).build();
    }

    private static String message(String backend, Throwable failure) {
        TokenExchangeException exchange = find(failure, TokenExchangeException.class);
        if (exchange != null) {
            if (exchange.isRetryable()) {
                return "The " + backend + " is unavailable: the token exchange did not complete. Nothing was sent to"
                        + " it; try again later.";
            }
            String error = exchange.error();
            return "Access to the " + backend + " was refused: the token exchange failed"
                    + (error != null && ERROR_CODE.matcher(error).matches() ? " (" + error + ")" : "")
                    + ". Nothing was sent to it.";
        }
        if (find(failure, InterruptedIOException.class) != null || find(failure, HttpTimeoutException.class) != null) {
            return "The " + backend + " did not answer in time.";
        }
        return "The " + backend + " is unreachable.";
    }

    /** The first {@code type} in the cause chain of {@code failure}, looking at most 16 deep. */
    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
