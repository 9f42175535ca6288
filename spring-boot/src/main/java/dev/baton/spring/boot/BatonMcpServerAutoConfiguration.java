package dev.baton.spring.boot;

import dev.baton.mcp.McpUser;
import dev.baton.spring.boot.internal.McpToolSpecifications;
import dev.baton.spring.boot.internal.McpTransportContexts;
import io.modelcontextprotocol.server.McpServerFeatures;
import org.springframework.ai.mcp.server.webmvc.transport.WebMvcStreamableServerTransportProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring AI's MCP server ({@code spring-ai-starter-mcp-server-webmvc}) with Baton, no code in the
 * tools:
 * <ul>
 * <li>the user's {@code ValidatedToken} is in the MCP transport context of Spring AI's own
 *     Streamable HTTP transport bean (not replaced), under {@link McpUser#CONTEXT_KEY}:
 *     {@code McpUser.of(exchange)} in a tool, or {@code McpUser.of(context.transportContext())};</li>
 * <li>each sync tool call runs with the user bound to its thread, so the {@code RestClient} and
 *     OkHttp interceptors exchange that user's token;</li>
 * <li>a backend call Baton refused (no user, failed exchange) ends the tool as an MCP tool error
 *     ({@code isError: true}) with a short, safe message, never an HTTP 500.</li>
 * </ul>
 */
@AutoConfiguration(after = BatonAutoConfiguration.class)
@ConditionalOnClass({McpServerFeatures.class, McpUser.class})
@ConditionalOnProperty(prefix = "baton", name = "enabled", havingValue = "true", matchIfMissing = true)
public class BatonMcpServerAutoConfiguration {

    /** Created by Spring Boot. */
    public BatonMcpServerAutoConfiguration() {
    }

    /**
     * Wraps Spring AI's tool specifications (the user on the tool's thread; safe tool errors).
     *
     * @return the post-processor
     */
    @Bean
    static BeanPostProcessor batonMcpToolSpecifications() {
        return new McpToolSpecifications();
    }

    /** The transport context of Spring AI's WebMVC Streamable HTTP transport. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebMvcStreamableServerTransportProvider.class)
    public static class TransportContextConfiguration {

        /** Created by Spring Boot. */
        public TransportContextConfiguration() {
        }

        /**
         * Adds the user to the transport context of Spring AI's transport bean.
         *
         * @return the post-processor
         */
        @Bean
        static BeanPostProcessor batonMcpTransportContexts() {
            return new McpTransportContexts();
        }
    }
}
