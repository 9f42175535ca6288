package dev.baton.spring.boot;

import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import dev.baton.internal.TokenSyntax;
import dev.baton.internal.routing.RouteTable;
import dev.baton.spring.boot.internal.ConfiguredRoute;
import dev.baton.spring.boot.internal.CurrentUser;
import dev.baton.spring.boot.internal.ToolCallFailures;
import java.io.IOException;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Puts an RFC 8693 exchanged token, minted for the current user, on every {@code RestClient} or
 * {@code RestTemplate} call to a {@code baton.routes} backend — and on nothing else. The starter
 * adds it to every {@code RestClient.Builder} and {@code RestTemplateBuilder} Spring Boot hands out
 * (through a {@code RestClientCustomizer} and a {@code RestTemplateCustomizer}); a request outside
 * every route passes through untouched.
 *
 * <p>Routing is the OkHttp interceptor's, to the letter (the same core rules): a request is on a
 * route when its scheme, host (case-insensitive) and port (default ports included) equal the
 * route's and its path equals the route's path prefix or lies below it on a segment boundary, as
 * written and with dot segments resolved; the longest prefix wins (docs/security.md case 32).
 *
 * <p>The user whose token is exchanged is found, in this order: {@code ThreadBoundToken} (set by
 * Baton's filter on the thread serving the request, by the MCP tool wrapper, or by the application);
 * the current servlet request's validated token ({@code BearerTokenFilter.validatedToken}); the
 * {@link BatonAuthentication} in Spring Security's context. Without one, or when the exchange fails,
 * the request is not sent and the call fails with {@link RouteTokenException}; the incoming token is
 * never forwarded. The exchanged token replaces any {@code Authorization} header (RFC 6750 §2.1).
 * A 401 from the routed backend drops the cached token, so the next call gets a fresh one; the call
 * itself is not replayed (the request body may not be repeatable).
 *
 * <p>Thread-safe; one instance serves all clients.
 */
public final class BatonRestClientInterceptor implements ClientHttpRequestInterceptor {
    private final TokenExchanger exchanger;
    private final RouteTable<ConfiguredRoute> routes;

    BatonRestClientInterceptor(TokenExchanger exchanger, RouteTable<ConfiguredRoute> routes) {
        this.exchanger = Objects.requireNonNull(exchanger, "exchanger");
        this.routes = Objects.requireNonNull(routes, "routes");
    }

    /**
     * Sends {@code request} with the exchanged token of its route, or untouched when it is on no route.
     *
     * @throws RouteTokenException if the request is on a route and no exchanged token could be had;
     *     the request was not sent
     * @throws IOException what the rest of the chain throws
     */
    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        ConfiguredRoute route = routes.routeFor(request.getURI());
        if (route == null) {
            return execution.execute(request, body);
        }
        ValidatedToken user = CurrentUser.find().orElse(null);
        if (user == null) {
            throw failed(new RouteTokenException(RouteTokenException.Reason.NO_USER, route.name(), "no signed-in user "
                    + "for a request to route " + route.prefix() + ": call it while serving a request that Baton's filter "
                    + "accepted, or bind the user with ThreadBoundToken; the request was not sent", null));
        }
        ExchangeRequest exchangeRequest = route.exchangeRequest(user);
        request.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken(exchangeRequest, route));
        ClientHttpResponse response = execution.execute(request, body);
        if (response.getStatusCode().value() == 401) {
            // The backend refused this token: the next call exchanges again rather than reusing it.
            exchanger.invalidate(exchangeRequest);
        }
        return response;
    }

    private String accessToken(ExchangeRequest exchangeRequest, ConfiguredRoute route) throws RouteTokenException {
        ExchangedToken token;
        try {
            token = exchanger.exchange(exchangeRequest);
        } catch (TokenExchangeException e) {
            String error = e.error() == null ? "" : " (error " + e.error() + ")";
            throw failed(new RouteTokenException(RouteTokenException.Reason.EXCHANGE_FAILED, route.name(),
                    "token exchange for route " + route.prefix() + " failed" + error + "; the request was not sent", e));
        }
        // Sent only as a Bearer token (RFC 6749 section 7.1) made of b64token characters (RFC 6750
        // section 2.1), so it can neither be sent as the wrong kind of token nor break the header.
        if (!token.isBearer() || !TokenSyntax.isB64Token(token.accessToken())) {
            throw failed(new RouteTokenException(RouteTokenException.Reason.EXCHANGE_FAILED, route.name(),
                    "the token endpoint issued a token for route " + route.prefix() + " that cannot be sent as a Bearer "
                            + "token; the request was not sent",
                    new TokenExchangeException("the issued token is not a sendable Bearer token", null, null, 0, false,
                            null)));
        }
        return token.accessToken();
    }

    private static RouteTokenException failed(RouteTokenException e) {
        ToolCallFailures.record(e.backend(), e);
        return e;
    }

    /** Lists the routes; never a token. */
    @Override
    public String toString() {
        return "BatonRestClientInterceptor[routes=" + routes + "]";
    }
}
