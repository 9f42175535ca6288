package dev.baton.spring.boot;

import dev.baton.TokenExchanger;
import dev.baton.okhttp.SubjectToken;
import dev.baton.okhttp.TokenExchangeInterceptor;
import dev.baton.spring.boot.internal.ConfiguredRoute;
import dev.baton.spring.boot.internal.CurrentUser;
import dev.baton.spring.boot.internal.OkHttpFailures;
import dev.baton.spring.boot.internal.Settings;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * The exchanged token on outgoing calls to {@code baton.routes}, when there is a
 * {@link TokenExchanger} and at least one route:
 * <ul>
 * <li>with Spring's {@code RestClient}/{@code RestTemplate} (spring-web present): the
 *     {@link BatonRestClientInterceptor} bean, added to every {@code RestClient.Builder} and
 *     {@code RestTemplateBuilder} of Spring Boot by a {@code RestClientCustomizer} and a
 *     {@code RestTemplateCustomizer} (spring-boot-restclient present);</li>
 * <li>with OkHttp (baton-okhttp present): a {@link TokenExchangeInterceptor} bean for the same
 *     routes (not with {@code baton.token-exchange.dpop}, whose proofs need baton-okhttp's
 *     {@code installOn}), and an {@code OkHttpClient} bean with Baton's interceptor installed when the
 *     application defines none; the client's threads are stopped when the context closes.</li>
 * </ul>
 * Each bean is replaced by the application's own of the same type.
 */
@AutoConfiguration(after = BatonAutoConfiguration.class)
@ConditionalOnBean(TokenExchanger.class)
@Conditional(dev.baton.spring.boot.internal.Configured.Routes.class)
@ConditionalOnProperty(prefix = "baton", name = "enabled", havingValue = "true", matchIfMissing = true)
public class BatonHttpClientAutoConfiguration {

    /** Created by Spring Boot. */
    public BatonHttpClientAutoConfiguration() {
    }

    /** {@code RestClient} and {@code RestTemplate}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ClientHttpRequestInterceptor.class)
    public static class RestClientConfiguration {

        /** Created by Spring Boot. */
        public RestClientConfiguration() {
        }

        /**
         * The interceptor for {@code baton.routes}.
         *
         * @param exchanger the exchanger
         * @param properties the bound properties
         * @return the interceptor
         */
        @Bean
        @ConditionalOnMissingBean
        public BatonRestClientInterceptor batonRestClientInterceptor(TokenExchanger exchanger,
                BatonProperties properties) {
            return new BatonRestClientInterceptor(exchanger, ConfiguredRoute.table(properties));
        }

        /** The customizers that add the interceptor to Spring Boot's builders. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(RestClientCustomizer.class)
        public static class Customizers {

            /** Created by Spring Boot. */
            public Customizers() {
            }

            /**
             * Adds the interceptor to every {@code RestClient.Builder} Spring Boot creates.
             *
             * @param interceptor the interceptor
             * @return the customizer
             */
            @Bean
            @ConditionalOnMissingBean(name = "batonRestClientCustomizer")
            public RestClientCustomizer batonRestClientCustomizer(BatonRestClientInterceptor interceptor) {
                return builder -> builder.requestInterceptor(interceptor);
            }

            /**
             * Adds the interceptor to every {@code RestTemplate} built with Spring Boot's {@code RestTemplateBuilder}.
             *
             * @param interceptor the interceptor
             * @return the customizer
             */
            @Bean
            @ConditionalOnMissingBean(name = "batonRestTemplateCustomizer")
            public RestTemplateCustomizer batonRestTemplateCustomizer(BatonRestClientInterceptor interceptor) {
                return template -> template.getInterceptors().add(interceptor);
            }
        }
    }

    /** OkHttp. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({OkHttpClient.class, TokenExchangeInterceptor.class})
    public static class OkHttpConfiguration {

        /** Created by Spring Boot. */
        public OkHttpConfiguration() {
        }

        /**
         * baton-okhttp's interceptor for {@code baton.routes}; the user comes from the request's
         * {@code ValidatedToken} tag, else as for {@link BatonRestClientInterceptor}.
         *
         * @param exchanger the exchanger
         * @param properties the bound properties
         * @return the interceptor, to add with {@code OkHttpClient.Builder.addInterceptor}
         */
        @Bean
        @ConditionalOnMissingBean
        // DPoP proofs need baton-okhttp's network half too, which only installOn adds: batonOkHttpClient.
        @ConditionalOnProperty(prefix = "baton.token-exchange", name = "dpop", havingValue = "false", matchIfMissing = true)
        public TokenExchangeInterceptor batonOkHttpInterceptor(TokenExchanger exchanger, BatonProperties properties) {
            TokenExchangeInterceptor.Builder b = builder(exchanger, properties);
            TokenExchangeInterceptor[] built = new TokenExchangeInterceptor[1];
            Settings.apply("baton.routes", () -> built[0] = b.build());
            return built[0];
        }

        /**
         * An {@code OkHttpClient} with Baton's interceptor installed as baton-okhttp's {@code installOn}
         * does (with the network half that writes DPoP proofs), when the application has none.
         *
         * @param exchanger the exchanger
         * @param properties the bound properties
         * @return the client; its dispatcher threads and pooled connections end with the context
         */
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        public OkHttpClient batonOkHttpClient(TokenExchanger exchanger, BatonProperties properties) {
            OkHttpClient.Builder client = new OkHttpClient.Builder()
                    .addInterceptor(new OkHttpFailures(ConfiguredRoute.table(properties)));
            OkHttpClient.Builder[] installed = new OkHttpClient.Builder[1];
            Settings.apply("baton.routes", () -> installed[0] = builder(exchanger, properties).installOn(client));
            return installed[0].build();
        }

        /** baton-okhttp's builder for {@code baton.routes}, checked first with the starter's rules. */
        private static TokenExchangeInterceptor.Builder builder(TokenExchanger exchanger, BatonProperties properties) {
            // Checked first with the starter's rules, so a bad route is reported by its property name.
            ConfiguredRoute.table(properties);
            TokenExchangeInterceptor.Builder b = TokenExchangeInterceptor.builder(exchanger)
                    .subjectTokenSource(request -> CurrentUser.find().map(SubjectToken::of));
            for (int i = 0; i < properties.getRoutes().size(); i++) {
                BatonProperties.Route r = properties.getRoutes().get(i);
                Settings.apply("baton.routes[" + i + "]", () -> b.route(r.getUrl(), route -> {
                    if (!r.getAudience().isEmpty()) {
                        route.audience(r.getAudience().toArray(String[]::new));
                    }
                    if (!r.getResource().isEmpty()) {
                        route.resource(r.getResource().toArray(String[]::new));
                    }
                    route.scopes(r.getScopes().toArray(String[]::new));
                }));
            }
            if (properties.isAllowHttpOnLoopback()) {
                b.allowHttpOnLoopback();
            }
            return b;
        }

        /**
         * Stops the threads of the {@code OkHttpClient} bean Baton created when the context closes.
         *
         * @param client the client
         * @return the closer
         */
        @Bean
        @ConditionalOnBean(name = "batonOkHttpClient")
        public DisposableBean batonOkHttpClientCloser(OkHttpClient client) {
            return () -> {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            };
        }
    }
}
