package dev.baton.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import dev.baton.okhttp.internal.Route;
import java.net.URI;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** What a second call to each {@link RouteBuilder} method does: add to the earlier values, or replace them. */
class RouteBuilderTest {

    private static Route route(Consumer<RouteBuilder> config) {
        RouteBuilder builder = new RouteBuilder();
        config.accept(builder);
        return builder.build(HttpUrl.get("https://api.example.com/graphql"));
    }

    private static ExchangeRequest exchange(Consumer<RouteBuilder> config) throws TokenInjectionException {
        return route(config).exchangeRequest(ExchangeRequest.builder().subjectToken("subject-alice",
                TokenType.ACCESS_TOKEN));
    }

    @Test
    void audienceAddsToEarlierValues() throws Exception {
        assertThat(exchange(r -> r.audience("backend").audience("reports", "billing")).audiences())
                .containsExactly("backend", "reports", "billing");
    }

    @Test
    void resourceAddsToEarlierValues() throws Exception {
        ExchangeRequest request = exchange(r -> r.resource("https://api.example.com/graphql")
                .resource("https://api.example.com/v2"));

        assertThat(request.resources()).containsExactly(URI.create("https://api.example.com/graphql"),
                URI.create("https://api.example.com/v2"));
    }

    @Test
    void scopesReplaceEarlierValues() throws Exception {
        assertThat(exchange(r -> r.scopes("backend-api:read", "backend-api:write").scopes("backend-api:read"))
                .scopes()).containsExactly("backend-api:read");
    }

    @Test
    void requestedTokenTypeReplacesAnEarlierValue() throws Exception {
        assertThat(exchange(r -> r.requestedTokenType(TokenType.JWT).requestedTokenType(TokenType.ACCESS_TOKEN))
                .requestedTokenType()).contains(TokenType.ACCESS_TOKEN);
    }

    @Test
    void actorTokenReplacesAnEarlierOneOfEitherForm() throws Exception {
        ExchangeRequest request = exchange(r -> r.actorToken(() -> "actor-old", TokenType.JWT)
                .actorToken("actor-new", TokenType.ACCESS_TOKEN));

        assertThat(request.actorToken()).contains("actor-new");
        assertThat(request.actorTokenType()).contains(TokenType.ACCESS_TOKEN);
    }

    @Test
    void customHeaderReplacesAnEarlierOne() {
        assertThat(route(r -> r.customHeader("X-Old-Token").customHeader("X-Backend-Token")).header().name())
                .isEqualTo("X-Backend-Token");
    }

    @Test
    void routeWithoutCustomHeaderUsesAuthorization() {
        assertThat(route(r -> r.audience("backend")).header().name()).isEqualTo("Authorization");
    }
}
