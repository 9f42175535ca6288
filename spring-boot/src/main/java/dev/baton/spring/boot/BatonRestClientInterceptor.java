package dev.baton.spring.boot;

import dev.baton.DPoPKey;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import dev.baton.internal.TokenSyntax;
import dev.baton.internal.dpop.DPoPNonce;
import dev.baton.internal.dpop.NonceMemory;
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
 * When the exchanger binds tokens to a DPoP key ({@code baton.token-exchange.dpop}), a DPoP-bound
 * token goes out as {@code Authorization: DPoP} with a fresh {@code DPoP} proof for the request's
 * method and URL and the server's latest nonce; a 401 asking for a nonce ({@code use_dpop_nonce})
 * is answered by one more try carrying it (RFC 9449 §§7–9).
 * A 401 from the routed backend drops the cached token, so the next call gets a fresh one; the call
 * itself is not replayed (the request body may not be repeatable).
 *
 * <p>Thread-safe; one instance serves all clients.
 */
public final class BatonRestClientInterceptor implements ClientHttpRequestInterceptor {
    private final TokenExchanger exchanger;
    private final RouteTable<ConfiguredRoute> routes;
    /** The latest DPoP nonce of each routed origin (RFC 9449 section 8); bounded. */
    private final NonceMemory nonces;

    BatonRestClientInterceptor(TokenExchanger exchanger, RouteTable<ConfiguredRoute> routes) {
        this.exchanger = Objects.requireNonNull(exchanger, "exchanger");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.nonces = new NonceMemory(1024);
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
        ExchangedToken token = exchangedToken(exchangeRequest, route);
        ClientHttpResponse response = send(request, body, execution, token);
        if (token.isDPoPBound() && askForNonce(response)) {
            // RFC 9449 section 9: the proof lacked the server's nonce, now remembered; one more try.
            response.close();
            response = send(request, body, execution, token);
        }
        if (response.getStatusCode().value() == 401) {
            // The backend refused this token: the next call exchanges again rather than reusing it.
            exchanger.invalidate(exchangeRequest);
        }
        return response;
    }

    /**
     * Sends the request with {@code token}: {@code Authorization: Bearer} (RFC 6750 section 2.1), or
     * for a DPoP-bound token {@code Authorization: DPoP} with a fresh proof for this method and URL,
     * carrying the server's latest nonce (RFC 9449 sections 7.1 and 8).
     */
    private ClientHttpResponse send(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
            ExchangedToken token) throws IOException {
        HttpHeaders headers = request.getHeaders();
        if (!token.isDPoPBound()) {
            headers.remove("DPoP");
            headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token.accessToken());
            return execution.execute(request, body);
        }
        DPoPKey key = exchanger.dpopKey().orElseThrow();
        headers.set(HttpHeaders.AUTHORIZATION, "DPoP " + token.accessToken());
        headers.set("DPoP", key.proof(request.getMethod().name(), request.getURI(), token.accessToken(),
                nonces.nonceFor(request.getURI())));
        ClientHttpResponse response = execution.execute(request, body);
        nonces.remember(request.getURI(), response.getHeaders().get("DPoP-Nonce"));
        return response;
    }

    /** A 401 with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} and one valid {@code DPoP-Nonce} (RFC 9449 section 9). */
    private static boolean askForNonce(ClientHttpResponse response) throws IOException {
        if (response.getStatusCode().value() != 401
                || DPoPNonce.fromHeaders(response.getHeaders().get("DPoP-Nonce")) == null) {
            return false;
        }
        for (String challenge : response.getHeaders().getOrEmpty(HttpHeaders.WWW_AUTHENTICATE)) {
            String c = challenge.strip();
            if (c.regionMatches(true, 0, "DPoP ", 0, 5) && c.contains("error=\"use_dpop_nonce\"")) {
                return true;
            }
        }
        return false;
    }

    private ExchangedToken exchangedToken(ExchangeRequest exchangeRequest, ConfiguredRoute route)
            throws RouteTokenException {
        ExchangedToken token;
        try {
            token = exchanger.exchange(exchangeRequest);
        } catch (TokenExchangeException e) {
            String error = e.error() == null ? "" : " (error " + e.error() + ")";
            throw failed(new RouteTokenException(RouteTokenException.Reason.EXCHANGE_FAILED, route.name(),
                    "token exchange for route " + route.prefix() + " failed" + error + "; the request was not sent", e));
        }
        // Sent only as a Bearer token (RFC 6749 section 7.1) or a DPoP-bound one with this exchanger's key
        // (RFC 9449 section 7), made of b64token characters (RFC 6750 section 2.1), so it can neither be
        // sent as the wrong kind of token nor break the header.
        boolean sendable = token.isBearer() || (token.isDPoPBound() && exchanger.dpopKey().isPresent());
        if (!sendable || !TokenSyntax.isB64Token(token.accessToken())) {
            throw failed(new RouteTokenException(RouteTokenException.Reason.EXCHANGE_FAILED, route.name(),
                    "the token endpoint issued a token for route " + route.prefix() + " that cannot be sent as a Bearer "
                            + "token; the request was not sent",
                    new TokenExchangeException("the issued token is not a sendable Bearer token", null, null, 0, false,
                            null)));
        }
        return token;
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
