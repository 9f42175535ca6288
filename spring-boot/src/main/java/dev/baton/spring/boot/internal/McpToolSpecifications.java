package dev.baton.spring.boot.internal;

import dev.baton.ThreadBoundToken;
import dev.baton.TokenExchangeException;
import dev.baton.ValidatedToken;
import dev.baton.mcp.McpUser;
import dev.baton.mcp.ToolErrors;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import reactor.core.publisher.Mono;

/**
 * Wraps the tool specifications Spring AI's MCP server auto-configuration collects (the
 * {@code List<SyncToolSpecification>} and {@code List<AsyncToolSpecification>} beans it makes from
 * {@code @McpTool} methods and from {@code ToolCallback}s) so that, with no code in the tools:
 * <ul>
 * <li>a sync tool runs with the user bound to its thread ({@link ThreadBoundToken}), from the MCP
 *     transport context ({@link McpUser}) when the request thread's binding is not there, so the
 *     {@code RestClient}/OkHttp interceptors find the user wherever Spring AI runs the tool;</li>
 * <li>a call Baton refused to send (no user, failed exchange) ends the tool as an MCP tool error
 *     ({@code isError: true}) with baton-mcp's short, safe message ({@link ToolErrors}), never with
 *     the exception's text (which names the backend's URL) and never as an HTTP 500 (what a
 *     checked exception from an {@code @McpTool} method becomes in Spring AI 2.0).</li>
 * </ul>
 * A {@code BeanPostProcessor}: Spring AI 2.0 offers no customizer for tool specifications, and
 * allows a single {@code McpSyncServerCustomizer}, which it defines itself. Other failures and
 * results pass through unchanged. Not API.
 */
public final class McpToolSpecifications implements BeanPostProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(McpToolSpecifications.class);
    private static final int MAX_CAUSES = 16;

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof List<?> list) || list.isEmpty()) {
            return bean;
        }
        if (list.stream().allMatch(SyncToolSpecification.class::isInstance)) {
            return list.stream().map(s -> sync((SyncToolSpecification) s)).toList();
        }
        if (list.stream().allMatch(AsyncToolSpecification.class::isInstance)) {
            return list.stream().map(s -> async((AsyncToolSpecification) s)).toList();
        }
        return bean;
    }

    static SyncToolSpecification sync(SyncToolSpecification spec) {
        BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler = spec.callHandler();
        String tool = spec.tool().name();
        return new SyncToolSpecification(spec.tool(), (exchange, request) -> {
            Optional<ValidatedToken> fromContext = exchange == null ? Optional.empty() : McpUser.of(exchange);
            ThreadBoundToken.Binding binding = ThreadBoundToken.current().isEmpty() && fromContext.isPresent()
                    ? ThreadBoundToken.bind(fromContext.get()) : null;
            try (ToolCallFailures.Scope scope = ToolCallFailures.open()) {
                CallToolResult result;
                try {
                    result = handler.apply(exchange, request);
                } catch (RuntimeException e) {
                    CallToolResult safe = safeError(tool, scope, e);
                    if (safe == null) {
                        throw e;
                    }
                    return safe;
                }
                if (Boolean.TRUE.equals(result.isError()) && scope.failure() != null) {
                    return safeError(tool, scope, scope.failure());
                }
                return result;
            } finally {
                if (binding != null) {
                    binding.close();
                }
            }
        });
    }

    static AsyncToolSpecification async(AsyncToolSpecification spec) {
        BiFunction<McpAsyncServerExchange, CallToolRequest, Mono<CallToolResult>> handler = spec.callHandler();
        String tool = spec.tool().name();
        return new AsyncToolSpecification(spec.tool(), (exchange, request) -> Mono.defer(() -> handler.apply(exchange, request))
                .onErrorResume(e -> {
                    CallToolResult safe = safeError(tool, null, e);
                    return safe == null ? Mono.error(e) : Mono.just(safe);
                }));
    }

    /**
     * The safe tool error for a call Baton refused, or {@code null} when {@code failure} is not one:
     * recorded in {@code scope} by an interceptor, or a Baton failure in its cause chain.
     */
    private static CallToolResult safeError(String tool, ToolCallFailures.Scope scope, Throwable failure) {
        Throwable baton = scope != null && scope.failure() != null ? scope.failure() : batonFailure(failure);
        if (baton == null) {
            return null;
        }
        String backend = scope != null && scope.backend() != null ? scope.backend() : ConfiguredRoute.DEFAULT_NAME;
        LOG.warn("tool {}: a call to the {} was not sent: {}", tool, backend, baton.getClass().getSimpleName());
        if (find(baton, TokenExchangeException.class) == null) {
            return CallToolResult.builder().isError(true).addTextContent("The " + backend + " was not called: no "
                    + "signed-in user was available to this tool. Nothing was sent to it.").build();
        }
        return ToolErrors.backendFailure(backend, baton);
    }

    /**
     * A failure of Baton's in the cause chain: an exchange that failed, or a call refused for want of a
     * user. baton-okhttp's exceptions are recognised by their package, since baton-okhttp is optional
     * and may be missing from the class path.
     */
    private static Throwable batonFailure(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            String name = t.getClass().getName();
            if (t instanceof TokenExchangeException || name.startsWith("dev.baton.okhttp.")
                    || name.equals("dev.baton.spring.boot.RouteTokenException")) {
                return t;
            }
        }
        return null;
    }

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
