package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.okhttp.TokenExchangeInterceptor;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

/** The outgoing side's beans: when they exist, when they back off, and every way a route can be wrong. */
class BatonHttpClientAutoConfigurationTest {
    static final String[] ROUTES = {
        "baton.routes[0].url=https://api.example.com/graphql",
        "baton.routes[0].audience=backend",
        "baton.routes[0].scopes=backend-api:read"};

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, BatonHttpClientAutoConfiguration.class))
            .withPropertyValues(BatonAutoConfigurationTest.TOKEN_EXCHANGE);

    @Test
    void createsTheRestClientInterceptorAndTheCustomizersThatInstallIt() {
        runner.withPropertyValues(ROUTES).run(context -> {
            BatonRestClientInterceptor interceptor = context.getBean(BatonRestClientInterceptor.class);
            RestClient.Builder builder = RestClient.builder();
            context.getBean("batonRestClientCustomizer", RestClientCustomizer.class).customize(builder);
            builder.requestInterceptors(list -> assertThat(list).containsExactly(interceptor));
            assertThat(context).hasBean("batonRestTemplateCustomizer");
        });
    }

    @Test
    void createsTheOkHttpInterceptorAndAClientWithBatonsInterceptorInstalled() {
        runner.withPropertyValues(ROUTES).run(context -> {
            assertThat(context).hasSingleBean(TokenExchangeInterceptor.class);
            assertThat(context.getBean(OkHttpClient.class).interceptors())
                    .anyMatch(TokenExchangeInterceptor.class::isInstance);
        });
    }

    @Test
    void withDPoPOnlyTheClientWithBatonsNetworkHalfIsOffered() {
        runner.withPropertyValues(ROUTES).withPropertyValues("baton.token-exchange.dpop=true").run(context -> {
            assertThat(context).doesNotHaveBean("batonOkHttpInterceptor");
            assertThat(context.getBean(OkHttpClient.class).networkInterceptors()).isNotEmpty();
            assertThat(context.getBean(OkHttpClient.class).interceptors())
                    .anyMatch(TokenExchangeInterceptor.class::isInstance);
        });
    }

    @Test
    void leavesTheApplicationsOkHttpClientAlone() {
        OkHttpClient own = new OkHttpClient();
        runner.withPropertyValues(ROUTES).withBean(OkHttpClient.class, () -> own).run(context -> {
            assertThat(context.getBean(OkHttpClient.class)).isSameAs(own);
            assertThat(context).hasSingleBean(TokenExchangeInterceptor.class).doesNotHaveBean("batonOkHttpClientCloser");
        });
    }

    @Test
    void createsNothingWithoutRoutes() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BatonRestClientInterceptor.class)
                .doesNotHaveBean(TokenExchangeInterceptor.class));
    }

    @Test
    void createsNothingWithoutAnExchanger() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, BatonHttpClientAutoConfiguration.class))
                .withPropertyValues(ROUTES)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BatonRestClientInterceptor.class));
    }

    @Test
    void withoutSpringWebOnlyOkHttpIsConfigured() {
        runner.withPropertyValues(ROUTES).withClassLoader(new FilteredClassLoader(ClientHttpRequestInterceptor.class))
                .run(context -> assertThat(context).doesNotHaveBean(BatonRestClientInterceptor.class)
                        .hasSingleBean(TokenExchangeInterceptor.class));
    }

    @Test
    void withoutOkHttpOnlyTheRestClientIsConfigured() {
        runner.withPropertyValues(ROUTES).withClassLoader(new FilteredClassLoader(OkHttpClient.class))
                .run(context -> assertThat(context).hasSingleBean(BatonRestClientInterceptor.class)
                        .doesNotHaveBean("batonOkHttpInterceptor"));
    }

    @Test
    void withoutSpringBootsRestClientModuleTheInterceptorStillExists() {
        runner.withPropertyValues(ROUTES).withClassLoader(new FilteredClassLoader(RestClientCustomizer.class,
                RestTemplateCustomizer.class))
                .run(context -> assertThat(context).hasSingleBean(BatonRestClientInterceptor.class)
                        .doesNotHaveBean("batonRestClientCustomizer"));
    }

    @Test
    void anApplicationInterceptorReplacesBatons() {
        BatonRestClientInterceptor[] own = new BatonRestClientInterceptor[1];
        runner.withPropertyValues(ROUTES).run(context -> own[0] = context.getBean(BatonRestClientInterceptor.class));
        runner.withPropertyValues(ROUTES).withBean(BatonRestClientInterceptor.class, () -> own[0])
                .run(context -> assertThat(context.getBean(BatonRestClientInterceptor.class)).isSameAs(own[0]));
    }

    @Test
    void aRouteWithoutUrlStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("baton.routes[0].audience=backend")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.routes[0].url must be set"));
    }

    @Test
    void aRouteWithAQueryStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(ROUTES).withPropertyValues("baton.routes[0].url=https://api.example.com/graphql?x=1")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.routes[0].url is invalid"));
    }

    @Test
    void aRouteWithoutAudienceOrResourceStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("baton.routes[0].url=https://api.example.com/graphql")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.routes[0].audience must be set"));
    }

    @Test
    void anInvalidRouteScopeStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(ROUTES).withPropertyValues("baton.routes[0].scopes=bad\\scope")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.routes[0].scopes is invalid"));
    }

    @Test
    void twoRoutesForTheSamePrefixStopStartUpNamingTheSecond() {
        runner.withPropertyValues(ROUTES).withPropertyValues("baton.routes[1].url=https://API.example.com:443/graphql/",
                "baton.routes[1].audience=other")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.routes[1].url is invalid: two routes for the same URL prefix"));
    }

    @Test
    void aPlainHttpRouteStopsStartUpUnlessAllowedOnLoopback() {
        runner.withPropertyValues(ROUTES).withPropertyValues("baton.routes[0].url=http://127.0.0.1:4000/graphql")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.routes is invalid").hasMessageContaining("baton.allow-http-on-loopback"));
        runner.withPropertyValues(ROUTES).withPropertyValues("baton.routes[0].url=http://127.0.0.1:4000/graphql",
                "baton.allow-http-on-loopback=true")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(BatonRestClientInterceptor.class));
    }

    @Test
    void aPlainHttpRouteToAnotherHostStopsStartUpEvenWhenLoopbackIsAllowed() {
        runner.withPropertyValues(ROUTES).withPropertyValues("baton.routes[0].url=http://api.example.com/graphql",
                "baton.allow-http-on-loopback=true")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.routes is invalid"));
    }
}
