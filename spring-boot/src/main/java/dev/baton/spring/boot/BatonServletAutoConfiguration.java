package dev.baton.spring.boot;

import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import dev.baton.mcp.McpAuthorizationFilter;
import dev.baton.spring.boot.internal.Settings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Baton's filter in front of the MCP endpoint, when there is a {@link TokenValidator}: baton-mcp's
 * {@link McpAuthorizationFilter} (bearer-token checks with RFC 6750 challenges, the RFC 9728
 * metadata, per-tool scopes with step-up, sessions bound to their user, DNS-rebinding protection),
 * registered as {@code batonFilter}:
 * <ul>
 * <li>mapped to {@code baton.resource-server.paths} (by default the MCP endpoint,
 *     {@code spring.ai.mcp.server.streamable-http.mcp-endpoint} or {@code /mcp}) and to the RFC 9728
 *     well-known paths {@code /.well-known/oauth-protected-resource} and
 *     {@code /.well-known/oauth-protected-resource/*}; other paths stay open;</li>
 * <li>async-supported (the MCP transport answers with server-sent events) and on
 *     {@code REQUEST} dispatches;</li>
 * <li>at order {@code baton.resource-server.filter-order}, by default
 *     {@link BatonProperties#DEFAULT_FILTER_ORDER}, before Spring Security's filter chain.</li>
 * </ul>
 * A {@code FilterRegistrationBean} named {@code batonFilter} of the application's replaces it.
 */
@AutoConfiguration(after = BatonAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(Filter.class)
@ConditionalOnBean(TokenValidator.class)
@ConditionalOnProperty(prefix = "baton", name = "enabled", havingValue = "true", matchIfMissing = true)
public class BatonServletAutoConfiguration {
    /** Spring AI's property for the MCP endpoint of its Streamable HTTP transport. */
    static final String MCP_ENDPOINT_PROPERTY = "spring.ai.mcp.server.streamable-http.mcp-endpoint";
    /** The RFC 9728 §3.1 well-known paths: the root one and, below it, the path-inserted ones. */
    static final List<String> METADATA_PATHS = List.of("/.well-known/oauth-protected-resource",
            "/.well-known/oauth-protected-resource/*");

    /** Created by Spring Boot. */
    public BatonServletAutoConfiguration() {
    }

    /**
     * The filter and its registration.
     *
     * @param validator the validator (Baton's or the application's)
     * @param properties the bound properties
     * @param environment for the MCP endpoint of Spring AI
     * @param listeners the application's audit listeners
     * @return the registration
     */
    @Bean
    @ConditionalOnMissingBean(name = "batonFilter")
    public FilterRegistrationBean<McpAuthorizationFilter> batonFilter(TokenValidator validator,
            BatonProperties properties, Environment environment, ObjectProvider<AuditListener> listeners) {
        BatonProperties.ResourceServer rs = properties.getResourceServer();
        String p = "baton.resource-server.";
        String endpoint = environment.getProperty(MCP_ENDPOINT_PROPERTY, McpAuthorizationFilter.Builder.DEFAULT_MCP_ENDPOINT);
        McpAuthorizationFilter.Builder b = McpAuthorizationFilter.builder(validator);
        String resource = Settings.require(p + "resource", rs.getResource(),
                " (the MCP endpoint's URL as clients call it, RFC 9728 section 1.2)");
        Settings.apply(p + "resource", () -> b.resource(resource));
        List<String> servers = Settings.isSet(rs.getAuthorizationServers()) ? rs.getAuthorizationServers()
                : validator.issuer().map(List::of).orElse(List.of());
        if (servers.isEmpty()) {
            throw Settings.missing(p + "authorization-servers", " (the issuers clients sign in with, RFC 9728 section 2)");
        }
        Settings.apply(p + "authorization-servers", () -> b.authorizationServers(servers.toArray(String[]::new)));
        Settings.apply(MCP_ENDPOINT_PROPERTY, () -> b.mcpEndpoint(endpoint));
        if (Settings.isSet(rs.getResourceName())) {
            Settings.apply(p + "resource-name", () -> b.resourceName(rs.getResourceName()));
        }
        if (Settings.isSet(rs.getScopesSupported())) {
            Settings.apply(p + "scopes-supported", () -> b.scopesSupported(rs.getScopesSupported().toArray(String[]::new)));
        }
        for (Map.Entry<String, List<String>> tool : rs.getToolScopes().entrySet()) {
            Settings.apply(p + "tool-scopes." + tool.getKey(),
                    () -> b.requireToolScopes(tool.getKey(), tool.getValue().toArray(String[]::new)));
        }
        for (Map.Entry<String, List<String>> method : rs.getMethodScopes().entrySet()) {
            Settings.apply(p + "method-scopes." + method.getKey(),
                    () -> b.requireMethodScopes(method.getKey(), method.getValue().toArray(String[]::new)));
        }
        if (Settings.isSet(rs.getAllowedOrigins())) {
            Settings.apply(p + "allowed-origins", () -> b.allowedOrigins(rs.getAllowedOrigins().toArray(String[]::new)));
        }
        if (Settings.isSet(rs.getAllowedHosts())) {
            Settings.apply(p + "allowed-hosts", () -> b.allowedHosts(rs.getAllowedHosts().toArray(String[]::new)));
        }
        if (rs.getMaxRequestBodySize() != null) {
            Settings.apply(p + "max-request-body-size", () -> b.maxRequestBodySize(rs.getMaxRequestBodySize()));
        }
        b.auditListener(BatonAutoConfiguration.audit(listeners));
        McpAuthorizationFilter[] filter = new McpAuthorizationFilter[1];
        Settings.apply("baton.resource-server", () -> filter[0] = b.build());

        FilterRegistrationBean<McpAuthorizationFilter> registration = new FilterRegistrationBean<>(filter[0]);
        registration.setName("batonFilter");
        registration.setUrlPatterns(urlPatterns(rs, endpoint));
        registration.setAsyncSupported(true);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setOrder(rs.getFilterOrder());
        return registration;
    }

    /** The configured paths (else the MCP endpoint) and the metadata paths. */
    static List<String> urlPatterns(BatonProperties.ResourceServer rs, String endpoint) {
        Set<String> patterns = new LinkedHashSet<>();
        if (Settings.isSet(rs.getPaths())) {
            for (String path : rs.getPaths()) {
                if (path == null || !(path.startsWith("/") || path.startsWith("*."))) {
                    throw Settings.invalid("baton.resource-server.paths", "each path must be a servlet URL pattern "
                            + "starting with / (such as /mcp or /api/*)");
                }
                patterns.add(path);
            }
        } else {
            patterns.add(endpoint);
        }
        patterns.addAll(METADATA_PATHS);
        return new ArrayList<>(patterns);
    }
}
