package dev.baton.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ClientAuthentication;
import dev.baton.TokenExchanger;
import dev.baton.TokenType;
import dev.baton.ValidatedToken;
import dev.baton.okhttp.internal.CustomHeaderWriter;
import dev.baton.okhttp.internal.DPoPProofWriter;
import java.time.Instant;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class TokenExchangeInterceptorBuilderTest {
    private final TokenExchanger exchanger = TokenExchanger.builder()
            .tokenEndpoint("https://idp.example.com/oauth2/backend/v1/token")
            .clientAuthentication(ClientAuthentication.clientSecretBasic("client", "secret"))
            .build();

    @Test
    void refusesAnHttpRouteWithoutOptIn() {
        TokenExchangeInterceptor.Builder b = TokenExchangeInterceptor.builder(exchanger)
                .route("http://127.0.0.1:8080/graphql", r -> r.audience("backend"));

        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allowHttpOnLoopback()");
    }

    @Test
    void refusesAnHttpRouteToANonLoopbackHostEvenWithOptIn() {
        TokenExchangeInterceptor.Builder b = TokenExchangeInterceptor.builder(exchanger)
                .route("http://api.example.com/graphql", r -> r.audience("backend"))
                .allowHttpOnLoopback();

        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not loopback");
    }

    @Test
    void acceptsAnHttpLoopbackRouteWithOptIn() {
        TokenExchangeInterceptor interceptor = TokenExchangeInterceptor.builder(exchanger)
                .route("http://localhost:8080/graphql", r -> r.audience("backend"))
                .route("http://[::1]:8080/graphql", r -> r.audience("backend"))
                .allowHttpOnLoopback()
                .build();

        assertThat(interceptor.toString()).contains("http://localhost:8080/graphql", "http://[::1]:8080/graphql");
    }

    @Test
    void refusesARouteWithAQuery() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql?x=1", r -> r.audience("backend")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query");
    }

    @Test
    void refusesARouteWithUserInfo() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger)
                .route("https://user:pw@api.example.com/graphql", r -> r.audience("backend")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user info")
                .hasMessageNotContaining("pw");
    }

    @Test
    void refusesARouteThatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger)
                .route("ftp://api.example.com/graphql", r -> r.audience("backend")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTwoRoutesForTheSamePrefix() {
        TokenExchangeInterceptor.Builder b = TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql", r -> r.audience("backend"));

        assertThatThrownBy(() -> b.route("https://API.example.com:443/graphql/", r -> r.audience("other")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same URL prefix");
    }

    @Test
    void refusesABuilderWithoutRoutes() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one route");
    }

    @Test
    void refusesAnInvalidScopeWhenTheRouteIsDeclared() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql", r -> r.scopes("bad scope")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesARelativeResource() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql", r -> r.resource("/graphql")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 8707");
    }

    @Test
    void refusesAuthorizationAsCustomHeader() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql", r -> r.customHeader("authorization")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesACustomHeaderThatIsNotAFieldName() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql", r -> r.customHeader("X-Token: injected")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildRefusesACustomHeaderRoute() {
        TokenExchangeInterceptor.Builder b = TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql", r -> r.audience("backend").customHeader("X-Upstream-Token"));

        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("installOn(OkHttpClient.Builder)");
    }

    @Test
    void installOnAddsTheApplicationInterceptorAndItsNetworkHalves() {
        OkHttpClient.Builder client = TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql", r -> r.audience("backend").customHeader("X-Upstream-Token"))
                .installOn(new OkHttpClient.Builder());

        assertThat(client.interceptors()).singleElement().isInstanceOf(TokenExchangeInterceptor.class);
        assertThat(client.networkInterceptors()).containsExactly(CustomHeaderWriter.INSTANCE, DPoPProofWriter.INSTANCE);
    }

    @Test
    void installOnRefusesAnHttpRouteWithoutOptIn() {
        TokenExchangeInterceptor.Builder b = TokenExchangeInterceptor.builder(exchanger)
                .route("http://127.0.0.1:8080/graphql", r -> r.audience("backend"));
        OkHttpClient.Builder client = new OkHttpClient.Builder();

        assertThatThrownBy(() -> b.installOn(client)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allowHttpOnLoopback()");
        assertThat(client.interceptors()).isEmpty();
    }

    @Test
    void toStringNeverShowsTheActorToken() {
        TokenExchangeInterceptor interceptor = TokenExchangeInterceptor.builder(exchanger)
                .route("https://api.example.com/graphql",
                        r -> r.audience("backend").actorToken("actor-secret-token", TokenType.ACCESS_TOKEN))
                .build();

        assertThat(interceptor.toString()).contains("backend").doesNotContain("actor-secret-token");
    }

    @Test
    void subjectTokenToStringNeverShowsTheToken() {
        ValidatedToken user = ValidatedToken.of("subject-alice",
                Map.of("sub", "alice", "exp", Instant.now().plusSeconds(600)));

        assertThat(SubjectToken.of("subject-bob", TokenType.ACCESS_TOKEN).toString()).doesNotContain("subject-bob");
        assertThat(SubjectToken.of(user).toString()).doesNotContain("subject-alice");
    }

    @Test
    void subjectTokenRefusesABlankToken() {
        assertThatThrownBy(() -> SubjectToken.of(" ", TokenType.ACCESS_TOKEN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnUnparsableRouteWithoutEchoingIt() {
        assertThatThrownBy(() -> TokenExchangeInterceptor.builder(exchanger)
                .route("https://user:pw@[not-a-host/graphql", r -> r.audience("backend")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute http or https URL")
                .hasMessageNotContaining("pw");
    }
}
