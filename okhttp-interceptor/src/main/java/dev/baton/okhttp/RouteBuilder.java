package dev.baton.okhttp;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import dev.baton.internal.TokenSyntax;
import dev.baton.okhttp.internal.Route;
import dev.baton.okhttp.internal.TokenHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * How one route exchanges the user's token (RFC 8693 §2.1) and where it puts the result; given to
 * the configuration function of {@link TokenExchangeInterceptor.Builder#route(String, java.util.function.Consumer)}:
 *
 * <pre>{@code
 * .route("https://api.example.com/graphql", r -> r.audience("backend").scopes("backend-api:read"))
 * }</pre>
 *
 * <p>Each method checks its value at once, by the rules the exchange itself applies, and throws
 * {@link IllegalArgumentException} (or {@link NullPointerException} for a null) so that a bad route
 * fails when the interceptor is configured, not on the first request. Methods that add one kind of
 * value ({@link #audience}, {@link #resource}) add to earlier calls; the others replace.
 */
public final class RouteBuilder {
    private final List<String> audiences = new ArrayList<>();
    private final List<String> resources = new ArrayList<>();
    private Set<String> scopes = Set.of();
    private TokenType requestedTokenType;
    private Supplier<String> actorToken;
    private TokenType actorTokenType;
    private TokenHeader header = TokenHeader.AUTHORIZATION;

    RouteBuilder() {
    }

    /**
     * Adds {@code audience} values: the logical names of the backend (RFC 8693 §2.1). Adds to
     * earlier values.
     *
     * @param audiences the audience values
     * @return this route builder
     * @throws IllegalArgumentException if a value is blank
     */
    public RouteBuilder audience(String... audiences) {
        List<String> values = List.of(audiences);
        probe().audiences(values);
        this.audiences.addAll(values);
        return this;
    }

    /**
     * Adds {@code resource} values: absolute URIs without fragment (RFC 8707 §2). Adds to earlier
     * values.
     *
     * @param resources the resource URIs
     * @return this route builder
     * @throws IllegalArgumentException if a value is not such a URI
     */
    public RouteBuilder resource(String... resources) {
        List<String> values = List.of(resources);
        probe().resource(resources);
        this.resources.addAll(values);
        return this;
    }

    /**
     * The scopes to request (RFC 6749 §3.3); ask for the narrowest the backend needs. Replaces
     * earlier values.
     *
     * @param scopes the scope tokens
     * @return this route builder
     * @throws IllegalArgumentException if a value is not an RFC 6749 §3.3 scope token
     */
    public RouteBuilder scopes(String... scopes) {
        this.scopes = TokenSyntax.requireScopeTokens(List.of(scopes));
        return this;
    }

    /**
     * The {@code requested_token_type} (RFC 8693 §2.1); the server's default when not set. Replaces
     * an earlier value.
     *
     * @param type the token type to ask for
     * @return this route builder
     * @throws NullPointerException if {@code type} is null
     */
    public RouteBuilder requestedTokenType(TokenType type) {
        this.requestedTokenType = Objects.requireNonNull(type, "type");
        return this;
    }

    /**
     * A fixed actor token (RFC 8693 §2.1 {@code actor_token}) for delegation. Replaces an earlier
     * actor token of either form.
     *
     * @param token the actor token
     * @param type its {@code actor_token_type}
     * @return this route builder
     * @throws IllegalArgumentException if {@code token} is blank
     * @throws NullPointerException if an argument is null
     */
    public RouteBuilder actorToken(String token, TokenType type) {
        probe().actorToken(token, Objects.requireNonNull(type, "type"));
        return actorToken(() -> token, type);
    }

    /**
     * An actor token read for every exchange, for an actor token that is itself renewed (for
     * example the MCP server's own client-credentials token). A supplier that throws or returns
     * a blank value fails the call with {@link TokenInjectionException}. Replaces an earlier actor
     * token of either form.
     *
     * @param token supplies the actor token for each exchange
     * @param type its {@code actor_token_type}
     * @return this route builder
     * @throws NullPointerException if an argument is null
     */
    public RouteBuilder actorToken(Supplier<String> token, TokenType type) {
        this.actorToken = Objects.requireNonNull(token, "token");
        this.actorTokenType = Objects.requireNonNull(type, "type");
        return this;
    }

    /**
     * Puts the token in this header (as {@code Bearer <token>}) instead of replacing
     * {@code Authorization}, which is then left as the caller set it. OkHttp copies such a header
     * into redirects to any host, so it is written by the interceptor's network half, only on the
     * network requests the route covers (same origin, under the path prefix): install with
     * {@link TokenExchangeInterceptor.Builder#installOn(OkHttpClient.Builder)};
     * {@link TokenExchangeInterceptor.Builder#build()} refuses such a route. Replaces an earlier
     * header name.
     *
     * @param name the header name
     * @return this route builder
     * @throws IllegalArgumentException if {@code name} is not an RFC 9110 §5.1 field name, or
     *     is {@code Authorization} (the default), or a header OkHttp or HTTP manage themselves
     * @throws NullPointerException if {@code name} is null
     */
    public RouteBuilder customHeader(String name) {
        this.header = TokenHeader.custom(name);
        return this;
    }

    /** A throwaway request builder, so values are checked by the same rules the exchange uses. */
    private static ExchangeRequest.Builder probe() {
        return ExchangeRequest.builder();
    }

    Route build(HttpUrl prefix) {
        return new Route(prefix, header, audiences, resources, scopes, requestedTokenType, actorToken, actorTokenType);
    }
}
