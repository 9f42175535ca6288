package dev.baton.mcp;

import dev.baton.ValidatedToken;
import dev.baton.servlet.BearerTokenFilter;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The signed-in user in MCP tool handlers: the {@link ValidatedToken} that
 * {@link McpAuthorizationFilter} (or a plain {@link BearerTokenFilter}) accepted for the HTTP
 * request, carried by the MCP transport context. The MCP Java SDK runs handlers on Reactor threads,
 * not on the servlet request's thread, so a thread-local would not reach them; the transport context
 * does, for sync and async handlers alike.
 *
 * <pre>{@code
 * HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
 *     .contextExtractor(McpUser.contextExtractor())
 *     .build();
 *
 * // in a tool handler: (McpSyncServerExchange exchange, CallToolRequest request) -> ...
 * ValidatedToken user = McpUser.require(exchange);
 * Request call = new Request.Builder()
 *     .url("https://api.example.com/graphql")
 *     .post(body)
 *     .tag(ValidatedToken.class, user)       // TokenExchangeInterceptor exchanges this user's token
 *     .build();
 * }</pre>
 *
 * <p>Never put {@link ValidatedToken#value()} on an outgoing request yourself: the MCP
 * authorization specification forbids passing the client's token through; let
 * {@code TokenExchangeInterceptor} (baton-okhttp) or {@code TokenExchanger} get a token for the
 * backend.
 */
public final class McpUser {
    /** The transport-context key under which {@link #contextExtractor()} stores the token: {@value}. */
    public static final String CONTEXT_KEY = "dev.baton.mcp.ValidatedToken";

    private static final McpTransportContextExtractor<HttpServletRequest> EXTRACTOR = request -> {
        ValidatedToken user = BearerTokenFilter.validatedToken(request);
        return user == null ? McpTransportContext.EMPTY : McpTransportContext.create(Map.of(CONTEXT_KEY, user));
    };

    private McpUser() {
    }

    /**
     * The extractor to give the SDK's servlet transports ({@code contextExtractor(..)} of
     * {@code HttpServletStreamableServerTransportProvider} and {@code HttpServletStatelessServerTransport}):
     * it stores the request's accepted token under {@link #CONTEXT_KEY}, or leaves the context empty
     * when the request carries none. The SDK calls it on the servlet thread for every request.
     * To add entries of your own, write an extractor that also puts
     * {@code BearerTokenFilter.validatedToken(request)} under {@link #CONTEXT_KEY}.
     */
    public static McpTransportContextExtractor<HttpServletRequest> contextExtractor() {
        return EXTRACTOR;
    }

    /**
     * The user of the request that carried {@code context}, if the context was made by
     * {@link #contextExtractor()} for an authenticated request.
     *
     * @param context a transport context, possibly {@code null} or empty
     */
    public static Optional<ValidatedToken> of(McpTransportContext context) {
        Object user = context == null ? null : context.get(CONTEXT_KEY);
        return user instanceof ValidatedToken token ? Optional.of(token) : Optional.empty();
    }

    /** The user of a sync handler's request; see {@link #of(McpTransportContext)}. */
    public static Optional<ValidatedToken> of(McpSyncServerExchange exchange) {
        return of(Objects.requireNonNull(exchange, "exchange").transportContext());
    }

    /** The user of an async handler's request; see {@link #of(McpTransportContext)}. */
    public static Optional<ValidatedToken> of(McpAsyncServerExchange exchange) {
        return of(Objects.requireNonNull(exchange, "exchange").transportContext());
    }

    /**
     * The user of a sync handler's request.
     *
     * @throws IllegalStateException when there is none: the transport lacks
     *     {@link #contextExtractor()}, or no filter authenticated the request (both wiring errors)
     */
    public static ValidatedToken require(McpSyncServerExchange exchange) {
        return of(exchange).orElseThrow(McpUser::missing);
    }

    /**
     * The user of an async handler's request.
     *
     * @throws IllegalStateException as {@link #require(McpSyncServerExchange)}
     */
    public static ValidatedToken require(McpAsyncServerExchange exchange) {
        return of(exchange).orElseThrow(McpUser::missing);
    }

    private static IllegalStateException missing() {
        return new IllegalStateException("no signed-in user in the MCP transport context: give the transport"
                + " McpUser.contextExtractor() and put McpAuthorizationFilter (or BearerTokenFilter) in front of it");
    }
}
