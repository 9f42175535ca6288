package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.server.McpServerFeatures;
import org.junit.jupiter.api.Test;
import org.springframework.ai.mcp.server.webmvc.transport.WebMvcStreamableServerTransportProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.SecurityContextHolder;

/** The Spring AI and Spring Security parts: on with their libraries, off without them or without Baton's filter. */
class OptionalIntegrationsConditionsTest {
    private final ApplicationContextRunner mcp = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BatonMcpServerAutoConfiguration.class));
    private final WebApplicationContextRunner security = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, BatonServletAutoConfiguration.class,
                    BatonSecurityAutoConfiguration.class))
            .withPropertyValues(BatonServletAutoConfigurationTest.RESOURCE_SERVER);

    @Test
    void withSpringAiTheToolsAndTheTransportContextAreWrapped() {
        mcp.run(context -> assertThat(context).hasBean("batonMcpToolSpecifications")
                .hasBean("batonMcpTransportContexts"));
    }

    @Test
    void withoutTheMcpSdkNothingIsWrapped() {
        mcp.withClassLoader(new FilteredClassLoader(McpServerFeatures.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("batonMcpToolSpecifications"));
    }

    @Test
    void withoutSpringAisWebMvcTransportOnlyTheToolsAreWrapped() {
        mcp.withClassLoader(new FilteredClassLoader(WebMvcStreamableServerTransportProvider.class))
                .run(context -> assertThat(context).hasBean("batonMcpToolSpecifications")
                        .doesNotHaveBean("batonMcpTransportContexts"));
    }

    @Test
    void whenDisabledNothingIsWrapped() {
        mcp.withPropertyValues("baton.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("batonMcpToolSpecifications"));
    }

    @Test
    void withSpringSecurityTheUserGoesIntoTheSecurityContextRightAfterBatonsFilter() {
        security.run(context -> {
            FilterRegistrationBean<?> baton = context.getBean("batonFilter", FilterRegistrationBean.class);
            FilterRegistrationBean<?> securityContext = context.getBean("batonSecurityContext", FilterRegistrationBean.class);
            assertThat(securityContext.getUrlPatterns()).isEqualTo(baton.getUrlPatterns());
            assertThat(securityContext.getOrder()).isEqualTo(baton.getOrder() + 1);
            assertThat(securityContext.isAsyncSupported()).isTrue();
            assertThat(context).hasBean("batonHttpSecurityCustomizer");
        });
    }

    @Test
    void withoutSpringSecurityThereIsNoSecurityContextFilter() {
        security.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class))
                .run(context -> assertThat(context).hasNotFailed().hasBean("batonFilter")
                        .doesNotHaveBean("batonSecurityContext"));
    }

    @Test
    void withoutSpringSecuritysConfigModuleThereIsNoCsrfCustomizer() {
        security.withClassLoader(new FilteredClassLoader(HttpSecurity.class))
                .run(context -> assertThat(context).hasBean("batonSecurityContext")
                        .doesNotHaveBean("batonHttpSecurityCustomizer"));
    }

    @Test
    void withoutBatonsFilterThereIsNoSecurityContextFilter() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class,
                        BatonServletAutoConfiguration.class, BatonSecurityAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("batonSecurityContext"));
    }
}
