package dev.baton.spring.boot;

import dev.baton.mcp.McpAuthorizationFilter;
import dev.baton.servlet.BearerTokenFilter;
import dev.baton.spring.boot.internal.SecurityContextFilter;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Baton next to Spring Security ({@code spring-boot-starter-security}). Baton's filter stays the
 * resource server of the MCP endpoint and runs before Spring Security's filter chain
 * ({@link BatonProperties#DEFAULT_FILTER_ORDER}); Spring Security keeps everything else. Chosen
 * over plugging Baton's validator in as Spring Security's {@code JwtDecoder}: that path would give
 * the MCP endpoint Spring Security's challenges instead of Baton's (no RFC 9728
 * {@code resource_metadata}, no step-up scope challenges) and lose baton-mcp's per-tool scopes,
 * session binding and header checks, and would add the OAuth 2.0 resource-server module.
 * <ul>
 * <li>{@code batonSecurityContext}: a filter right after Baton's, on the same paths, that makes the
 *     validated user a {@link BatonAuthentication} (authorities {@code SCOPE_<scope>}) in the
 *     {@code SecurityContext}: Spring Security's chain loads it (its request-attribute repository),
 *     so the default "every request authenticated" rule passes, and {@code @PreAuthorize} works on
 *     tool methods and controllers;</li>
 * <li>a {@code Customizer<HttpSecurity>}, which Spring Security applies to every
 *     {@code HttpSecurity}, exempting requests Baton authenticated from CSRF protection: they carry a
 *     bearer token, never a cookie a browser could send on its own, as Spring Security's own resource
 *     server does.</li>
 * </ul>
 */
@AutoConfiguration(after = BatonServletAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityContextHolder.class)
@ConditionalOnBean(name = "batonFilter")
@ConditionalOnProperty(prefix = "baton", name = "enabled", havingValue = "true", matchIfMissing = true)
public class BatonSecurityAutoConfiguration {

    /** Created by Spring Boot. */
    public BatonSecurityAutoConfiguration() {
    }

    /**
     * The filter that puts the validated user in the {@code SecurityContext}, on Baton's filter's paths.
     *
     * @param batonFilter Baton's filter registration
     * @return the registration, one order after Baton's filter
     */
    @Bean
    @ConditionalOnMissingBean(name = "batonSecurityContext")
    public FilterRegistrationBean<?> batonSecurityContext(FilterRegistrationBean<McpAuthorizationFilter> batonFilter) {
        FilterRegistrationBean<SecurityContextFilter> registration = new FilterRegistrationBean<>(new SecurityContextFilter());
        registration.setName("batonSecurityContext");
        registration.setUrlPatterns(batonFilter.getUrlPatterns());
        registration.setAsyncSupported(true);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setOrder(batonFilter.getOrder() + 1);
        return registration;
    }

    /** Spring Security's configuration DSL. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HttpSecurity.class)
    public static class HttpSecurityConfiguration {

        /** Created by Spring Boot. */
        public HttpSecurityConfiguration() {
        }

        /**
         * Exempts requests Baton authenticated from CSRF protection.
         *
         * @return the customizer Spring Security applies to every {@code HttpSecurity}
         */
        @Bean
        @ConditionalOnMissingBean(name = "batonHttpSecurityCustomizer")
        public Customizer<HttpSecurity> batonHttpSecurityCustomizer() {
            return http -> {
                try {
                    http.csrf(csrf -> csrf.ignoringRequestMatchers(
                            request -> BearerTokenFilter.validatedToken(request) != null));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot exempt Baton's requests from CSRF protection", e);
                }
            };
        }
    }
}
