package dev.baton.spring.boot.internal;

import dev.baton.ValidatedToken;
import dev.baton.mcp.McpUser;
import dev.baton.servlet.BearerTokenFilter;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import java.lang.reflect.Field;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.mcp.server.webmvc.transport.WebMvcStreamableServerTransportProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Puts the user Baton's filter accepted into the MCP transport context of Spring AI's auto-configured
 * WebMVC Streamable HTTP transport, under {@link McpUser#CONTEXT_KEY}, so that
 * {@code McpUser.of(exchange)}, {@code McpUser.of(McpTransportContext)} and Spring AI's
 * {@code McpSyncRequestContext.transportContext()} give tools the user with no code of theirs.
 *
 * <p>Spring AI 2.0.1 has no hook for this: its auto-configuration builds the transport with the
 * builder's default extractor (always {@code McpTransportContext.EMPTY}, spring-ai issue 4603), and
 * its documentation's answer is to replace the transport bean, copying its JSON mapper, endpoint,
 * keep-alive and delete settings. Instead this {@code BeanPostProcessor} keeps Spring AI's bean and
 * wraps the extractor it was built with: the wrapper asks that extractor first and adds the user to
 * what it returns. The transport keeps the extractor in a private field, set here before the bean is
 * used; if a later Spring AI renames it, this logs a warning and changes nothing (tools still find
 * the user through {@code ThreadBoundToken} and the security context on the request thread). Not
 * API.
 */
public final class McpTransportContexts implements BeanPostProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(McpTransportContexts.class);
    private static final String FIELD = "contextExtractor";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof WebMvcStreamableServerTransportProvider transport) {
            install(transport);
        }
        return bean;
    }

    @SuppressWarnings("unchecked")
    static void install(WebMvcStreamableServerTransportProvider transport) {
        Field field = ReflectionUtils.findField(WebMvcStreamableServerTransportProvider.class, FIELD,
                McpTransportContextExtractor.class);
        if (field == null) {
            LOG.warn("Spring AI's WebMvcStreamableServerTransportProvider has no {} field: the MCP transport context "
                    + "will not carry Baton's user (tools still find it on the request thread)", FIELD);
            return;
        }
        ReflectionUtils.makeAccessible(field);
        McpTransportContextExtractor<ServerRequest> original =
                (McpTransportContextExtractor<ServerRequest>) ReflectionUtils.getField(field, transport);
        if (original instanceof WithUser) {
            return;
        }
        ReflectionUtils.setField(field, transport, new WithUser(original));
    }

    /** The original extractor's context, plus the user under {@link McpUser#CONTEXT_KEY}. */
    private record WithUser(McpTransportContextExtractor<ServerRequest> original)
            implements McpTransportContextExtractor<ServerRequest> {
        @Override
        public McpTransportContext extract(ServerRequest request) {
            McpTransportContext context = original == null ? McpTransportContext.EMPTY : original.extract(request);
            ValidatedToken user = BearerTokenFilter.validatedToken(request.servletRequest());
            if (user == null) {
                return context;
            }
            if (context == null || context == McpTransportContext.EMPTY) {
                return McpTransportContext.create(Map.of(McpUser.CONTEXT_KEY, user));
            }
            return key -> McpUser.CONTEXT_KEY.equals(key) ? user : context.get(key);
        }
    }
}
