package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.mcp.McpAuthorizationFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** Baton's filter: where, in which order and how it is registered, and when it is not. */
class BatonServletAutoConfigurationTest {
    static final String[] RESOURCE_SERVER = {
        "baton.resource-server.issuer=https://idp.example.com/oauth2/mcp",
        "baton.resource-server.audience=mcpserver",
        "baton.resource-server.resource=https://mcp.example.com/mcp"};

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, BatonServletAutoConfiguration.class));

    @SuppressWarnings("unchecked")
    private static FilterRegistrationBean<McpAuthorizationFilter> registration(
            org.springframework.context.ApplicationContext context) {
        return context.getBean("batonFilter", FilterRegistrationBean.class);
    }

    @Test
    void registersTheFilterOnTheMcpEndpointAndTheMetadataPaths() {
        runner.withPropertyValues(RESOURCE_SERVER).run(context -> {
            FilterRegistrationBean<McpAuthorizationFilter> registration = registration(context);
            assertThat(registration.getFilter()).isInstanceOf(McpAuthorizationFilter.class);
            assertThat(registration.getUrlPatterns()).containsExactly("/mcp", "/.well-known/oauth-protected-resource",
                    "/.well-known/oauth-protected-resource/*");
        });
    }

    @Test
    void isAsyncSupportedOnRequestDispatchesAndOrderedBeforeSpringSecurity() {
        runner.withPropertyValues(RESOURCE_SERVER).run(context -> {
            FilterRegistrationBean<McpAuthorizationFilter> registration = registration(context);
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.determineDispatcherTypes()).containsExactly(DispatcherType.REQUEST);
            assertThat(registration.getOrder()).isEqualTo(BatonProperties.DEFAULT_FILTER_ORDER).isLessThan(-100);
        });
    }

    @Test
    void followsSpringAisMcpEndpoint() {
        runner.withPropertyValues(RESOURCE_SERVER)
                .withPropertyValues("spring.ai.mcp.server.streamable-http.mcp-endpoint=/api/mcp")
                .run(context -> assertThat(registration(context).getUrlPatterns()).first().isEqualTo("/api/mcp"));
    }

    @Test
    void protectsTheConfiguredPathsInstead() {
        runner.withPropertyValues(RESOURCE_SERVER).withPropertyValues("baton.resource-server.paths=/mcp,/tools/*",
                "baton.resource-server.filter-order=5")
                .run(context -> {
                    assertThat(registration(context).getUrlPatterns()).startsWith("/mcp", "/tools/*");
                    assertThat(registration(context).getOrder()).isEqualTo(5);
                });
    }

    @Test
    void aMissingResourceStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("baton.resource-server.issuer=https://idp.example.com/oauth2/mcp",
                "baton.resource-server.audience=mcpserver")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.resource-server.resource must be set"));
    }

    @Test
    void anInvalidToolScopeStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(RESOURCE_SERVER)
                .withPropertyValues("baton.resource-server.tool-scopes.get_country_details=offline_access")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.resource-server.tool-scopes.get_country_details is invalid"));
    }

    @Test
    void aPathThatIsNoUrlPatternStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(RESOURCE_SERVER).withPropertyValues("baton.resource-server.paths=mcp")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.resource-server.paths is invalid"));
    }

    @Test
    void anApplicationFilterNamedBatonFilterReplacesIt() {
        FilterRegistrationBean<Filter> own = new FilterRegistrationBean<>((req, resp, chain) -> chain.doFilter(req, resp));
        runner.withPropertyValues(RESOURCE_SERVER).withBean("batonFilter", FilterRegistrationBean.class, () -> own)
                .run(context -> assertThat(context.getBean("batonFilter")).isSameAs(own));
    }

    @Test
    void registersNothingWithoutAValidator() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("batonFilter"));
    }

    @Test
    void registersNothingOutsideAServletWebApplication() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, BatonServletAutoConfiguration.class))
                .withPropertyValues(RESOURCE_SERVER)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("batonFilter"));
    }

    @Test
    void registersNothingWithoutTheServletApi() {
        runner.withPropertyValues(RESOURCE_SERVER).withClassLoader(new FilteredClassLoader(Filter.class))
                .run(context -> assertThat(context).doesNotHaveBean("batonFilter"));
    }
}
