package dev.baton.okhttp;

import dev.baton.DPoPKey;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import dev.baton.internal.Checks;
import dev.baton.internal.dpop.NonceMemory;
import dev.baton.okhttp.internal.BearerChallenges;
import dev.baton.okhttp.internal.CallBoundExchange;
import dev.baton.okhttp.internal.CustomHeaderWriter;
import dev.baton.okhttp.internal.DPoPChallenges;
import dev.baton.okhttp.internal.DPoPGrant;
import dev.baton.okhttp.internal.DPoPProofWriter;
import dev.baton.okhttp.internal.PassthroughGuard;
import dev.baton.okhttp.internal.Route;
import dev.baton.okhttp.internal.RouteTable;
import dev.baton.okhttp.internal.SubjectTokenLookup;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.Authenticator;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * An OkHttp application interceptor that puts an RFC 8693 exchanged token, minted for the current
 * user, on every call to a configured backend — and on nothing else.
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *     .addInterceptor(TokenExchangeInterceptor.builder(exchanger)
 *         .route("https://api.example.com/graphql", r -> r.audience("backend").scopes("backend-api:read"))
 *         .build())
 *     .build();
 * client.newCall(new Request.Builder().url(url).tag(ValidatedToken.class, user).build()).execute();
 * }</pre>
 *
 * <p>For each call it finds the {@linkplain Builder#route route} the URL is on (a request on none
 * passes through untouched), exchanges the {@linkplain SubjectTokenSource user's token} for the
 * route's token, puts {@code Bearer <exchanged token>} in {@code Authorization} (RFC 6750 §2.1) or
 * in the route's {@linkplain RouteBuilder#customHeader custom header}, and, when the backend answers
 * 401 because of that token, replays the call once with a fresh one. The incoming token itself is
 * never forwarded (MCP authorization specification, "token passthrough").
 *
 * <p>It is an application interceptor ({@code OkHttpClient.Builder.addInterceptor}, or
 * {@link Builder#installOn}), never a network one: it runs once per call, sees the call's tags and
 * timeout, can replay a call after a 401, and sits above OkHttp's redirect handling, so it exchanges
 * only for the URL the caller chose; OkHttp drops {@code Authorization} on a redirect to another
 * origin. Routed calls bypass the client's shared state that could mix users or credentials: the
 * HTTP cache (responses are per user), the {@code CookieJar} (a cookie set for one user would go
 * out with another user's request) and the {@code Authenticator} (it would answer a 401 below this
 * interceptor, possibly with another credential).
 *
 * <h2>401</h2>
 * When the backend answers 401 without {@code WWW-Authenticate}, or with a {@code Bearer} challenge
 * that says {@code error="invalid_token"} or names no error (RFC 6750 §3.1), the exchanged token is
 * dropped from the exchanger's cache and the call is replayed once with a fresh one — unless the
 * body is one-shot or duplex and cannot be replayed, or the 401 came from another origin after a
 * redirect. Never more than one replay; the second answer reaches the caller as it is.
 *
 * <h2>DPoP</h2>
 * When the exchanger binds its tokens to a {@link DPoPKey} ({@code TokenExchanger.Builder.dpop()},
 * RFC 9449), a DPoP-bound token goes out as {@code Authorization: DPoP <token>} with a {@code DPoP}
 * proof signed for each network request: its method and URL (without query and fragment), the
 * token's hash ({@code ath}) and the server's latest nonce (RFC 9449 §7). The proofs are written by
 * a network interceptor, so install with {@link Builder#installOn}: a redirect then gets a proof of
 * its own when the route covers its URL, and neither token nor proof otherwise. A 401 with
 * {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} and a {@code DPoP-Nonce} header is answered
 * by one more try carrying the nonce (RFC 9449 §9); that try is apart from the one replay for a fresh
 * token, which a {@code DPoP} challenge with {@code invalid_token} or no error invites. A DPoP-bound
 * token is never sent as Bearer nor in a custom header.
 *
 * <h2>Failures</h2>
 * Every failure is an {@link IOException}, so OkHttp callers handle it like other I/O failures:
 * <ul>
 * <li>{@link TokenExchangeIOException}: the exchange failed, or issued a token that is not a Bearer
 *     {@code b64token}; the cause is the {@link TokenExchangeException};</li>
 * <li>{@link MissingSubjectTokenException}: no user token for a routed request;</li>
 * <li>{@link TokenInjectionException}: the token could not be put on the request safely;</li>
 * <li>{@link InterruptedIOException}: waiting for the exchange outlasted the call timeout (or, when
 *     there is none, the read timeout), or the thread was interrupted;</li>
 * <li>an {@code IOException} "Canceled": the call was canceled while it waited.</li>
 * </ul>
 * The request was not sent, except for a custom-header route on a client without the network half
 * (see {@link Builder#installOn}). No token appears in any exception message or {@code toString()}.
 *
 * <p>Thread-safe and immutable; share one instance across clients and threads.
 */
public final class TokenExchangeInterceptor implements Interceptor {
    private final TokenExchanger exchanger;
    private final RouteTable routes;
    private final SubjectTokenSource subjectTokenSource;
    private final Optional<DPoPKey> dpopKey;
    private final NonceMemory dpopNonces;

    private TokenExchangeInterceptor(TokenExchanger exchanger, RouteTable routes, SubjectTokenSource source,
            int routeCount) {
        this.exchanger = exchanger;
        this.routes = routes;
        this.subjectTokenSource = source;
        this.dpopKey = exchanger.dpopKey();
        // Nonces are kept only for the origins of routed requests: bounded by the routes.
        this.dpopNonces = new NonceMemory(Math.max(16, routeCount));
    }

    /**
     * A builder for an interceptor that exchanges tokens with {@code exchanger}.
     *
     * @param exchanger the exchanger that mints (and caches) the tokens sent to the backends
     * @return a builder without routes
     * @throws NullPointerException if {@code exchanger} is null
     */
    public static Builder builder(TokenExchanger exchanger) {
        return new Builder(Objects.requireNonNull(exchanger, "exchanger"));
    }

    /**
     * Sends {@code chain}'s request with the exchanged token of its route, or untouched when it is on
     * no route.
     *
     * @throws IOException every failure, as the class description lists
     */
    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Route route = routes.routeFor(request.url());
        if (route == null) {
            return chain.proceed(request);
        }
        if (chain.connection() != null) {
            throw new TokenInjectionException("TokenExchangeInterceptor must be added with addInterceptor "
                    + "(an application interceptor), not addNetworkInterceptor");
        }
        SubjectToken subject = SubjectTokenLookup.find(request, subjectTokenSource, route);
        ExchangeRequest exchangeRequest = route.exchangeRequest(subject.exchangeRequest());
        // One user's call: nothing shared with other users' calls (see "the client's shared state" above).
        Chain isolated = chain.withCache(null).withCookieJar(CookieJar.NO_COOKIES)
                .withAuthenticator(Authenticator.NONE);

        Sent sent = send(isolated, request, route, subject, exchangeRequest);
        if (sent.dpop() && DPoPChallenges.askForNonce(sent.response()) && replayable(sent.response(), request, route)) {
            // RFC 9449 §9: the network half kept the server's nonce; one more try carries it. This is
            // apart from the one replay for a fresh token below: a nonce says nothing about the token.
            sent.response().close();
            sent = send(isolated, request, route, subject, exchangeRequest);
        }
        if (!worthOneReplay(sent, request, route)) {
            return sent.response();
        }
        sent.response().close();
        try {
            // Only the entry holding the rejected token, here and across a fleet's shared cache: a
            // concurrent call that already replaced it keeps its fresh token.
            exchanger.invalidate(exchangeRequest, sent.accessToken());
        } catch (IllegalStateException closed) {
            // The exchanger was closed while the call was on the wire: fail as every failure here does.
            throw new IOException("cannot replay the call for a fresh token: " + closed.getMessage(), closed);
        }
        return send(isolated, request, route, subject, exchangeRequest).response();
    }

    private Sent send(Chain chain, Request original, Route route, SubjectToken subject,
            ExchangeRequest exchangeRequest) throws IOException {
        ExchangedToken token = CallBoundExchange.token(exchanger, exchangeRequest, chain, route);
        Request out = token.isDPoPBound() ? DPoPGrant.attach(original, route, token, dpopKey, dpopNonces)
                : route.header().attach(original, route, "Bearer " + token.accessToken());
        PassthroughGuard.check(out, subject.value(), token.accessToken(), route);
        Response response = chain.proceed(out);
        route.header().requireDelivered(out, response, route);
        DPoPGrant.requireDelivered(out, response, route);
        return new Sent(response, token.isDPoPBound(), token.accessToken());
    }

    /**
     * A response, whether its request carried a DPoP-bound token, and that token (what a 401
     * rejected). {@code toString()} never shows the token.
     */
    private record Sent(Response response, boolean dpop, String accessToken) {
        @Override
        public String toString() {
            return "Sent[" + response.code() + ", dpop=" + dpop + "]";
        }
    }

    /**
     * A 401 that blames the token (its {@code Bearer} or, for a DPoP-bound token, {@code DPoP}
     * challenge), to a request that can be sent again.
     */
    private static boolean worthOneReplay(Sent sent, Request request, Route route) {
        Response response = sent.response();
        return response.code() == 401 && replayable(response, request, route)
                && (sent.dpop() ? DPoPChallenges.inviteAFreshToken(response)
                        : BearerChallenges.inviteAFreshToken(response));
    }

    /**
     * An answer from the route's own origin (after a redirect elsewhere a fresh token or nonce would
     * not help), to a request whose body can be sent again.
     */
    private static boolean replayable(Response response, Request request, Route route) {
        RequestBody body = request.body();
        return route.sameOrigin(response.request().url()) && (body == null || (!body.isOneShot() && !body.isDuplex()));
    }

    /** Lists the routes; never a token. */
    @Override
    public String toString() {
        return "TokenExchangeInterceptor[routes=" + routes + "]";
    }

    /**
     * Builds a {@link TokenExchangeInterceptor}. Each method checks its own input and throws
     * {@link IllegalArgumentException} at once; what depends on several settings (a route's
     * {@code http} scheme against {@link #allowHttpOnLoopback()}, a custom-header route against
     * {@link #build()}) is checked when the interceptor is built, with {@link IllegalStateException}.
     *
     * <h2>The user's token</h2>
     * The interceptor exchanges one thing: the {@link ValidatedToken} your {@code TokenValidator}
     * (or the servlet filter) accepted, which travels with the request as its tag
     * {@code ValidatedToken.class}. The tag is explicit, so it crosses threads with the request
     * ({@code enqueue}, executors, Reactor). A {@link SubjectToken} tag is the same hand-off for a raw
     * token, and a {@link #subjectTokenSource(SubjectTokenSource) source} is asked only for requests
     * without either tag: {@link SubjectTokenSource#threadBound()} is a view of the same
     * {@code ValidatedToken} for code running on the thread that serves the incoming request.
     */
    public static final class Builder {
        private final TokenExchanger exchanger;
        private final List<Route> routes = new ArrayList<>();
        private SubjectTokenSource subjectTokenSource = SubjectTokenSource.none();
        private boolean allowHttpOnLoopback;

        private Builder(TokenExchanger exchanger) {
            this.exchanger = exchanger;
        }

        /**
         * Adds a route: requests under {@code urlPrefix} are sent with a token exchanged as
         * {@code config} describes. Adds to earlier routes.
         *
         * <p>A request is on a route when its scheme, host (case-insensitive) and port (default
         * ports included) equal the route's, and its path equals the route's path prefix or lies
         * below it on a segment boundary: {@code /graphql} covers {@code /graphql} and
         * {@code /graphql/x}, never {@code /graphqlx}. When several routes match, the longest prefix
         * wins. Only {@code https} routes are built, and plain {@code http} ones to a loopback host
         * with {@link #allowHttpOnLoopback()}.
         *
         * @param urlPrefix scheme, host, optional port and path prefix, for example
         *     {@code https://api.example.com/graphql}; no user info, query or fragment
         * @param config sets the audience, resources, scopes, requested token type, actor token and
         *     header of the exchange for this route
         * @return this builder
         * @throws IllegalArgumentException if the prefix is not an absolute http(s) URL, has user
         *     info, a query or a fragment, duplicates another route, or a value given to
         *     {@code config} is invalid
         * @throws NullPointerException if an argument is null
         */
        public Builder route(String urlPrefix, Consumer<RouteBuilder> config) {
            Objects.requireNonNull(urlPrefix, "urlPrefix");
            Objects.requireNonNull(config, "config");
            HttpUrl prefix = Route.parsePrefix(urlPrefix);
            RouteBuilder rb = new RouteBuilder();
            config.accept(rb);
            Route route = rb.build(prefix);
            RouteTable.requireNewTarget(routes, route);
            routes.add(route);
            return this;
        }

        /**
         * Where the subject token comes from when a routed request has no {@code ValidatedToken} or
         * {@link SubjectToken} tag (see "The user's token" above). Default:
         * {@link SubjectTokenSource#none()}. Replaces an earlier source.
         *
         * @param source the source asked for routed requests without a token tag
         * @return this builder
         * @throws NullPointerException if {@code source} is null
         */
        public Builder subjectTokenSource(SubjectTokenSource source) {
            this.subjectTokenSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Allows {@code http} routes whose host is {@code localhost}, in {@code 127.0.0.0/8} or
         * {@code ::1}: for development, tests, and a TLS-terminating sidecar on the same machine.
         * {@code http} routes to any other host are always refused: a token sent over plain HTTP
         * across a network can be stolen and replayed (RFC 6750 §5.3). Calling it again changes
         * nothing.
         *
         * @return this builder
         */
        public Builder allowHttpOnLoopback() {
            this.allowHttpOnLoopback = true;
            return this;
        }

        /**
         * The interceptor, to add with {@code OkHttpClient.Builder.addInterceptor}. For routes with
         * {@link RouteBuilder#customHeader(String)}, and for an exchanger that uses DPoP, which also
         * need a network interceptor, use {@link #installOn(OkHttpClient.Builder)} instead.
         *
         * @return the interceptor
         * @throws IllegalStateException if no route was added, a route uses a custom header, the
         *     exchanger uses DPoP (its proofs need the network half: use {@link #installOn}), or an
         *     {@code http} route was added without {@link #allowHttpOnLoopback()} or to a host that
         *     is not loopback
         */
        public TokenExchangeInterceptor build() {
            RouteTable table = RouteTable.of(routes, allowHttpOnLoopback);
            Checks.requireState(exchanger.dpopKey().isEmpty(), "the exchanger binds its tokens to a DPoP key, whose "
                    + "proofs are signed per network request by a network interceptor too: use "
                    + "installOn(OkHttpClient.Builder) instead of build()");
            for (Route route : routes) {
                Checks.requireState(!route.header().isCustom(), "route " + route + " puts the token in a custom "
                        + "header, which needs a network interceptor too: use installOn(OkHttpClient.Builder) "
                        + "instead of build()");
            }
            return new TokenExchangeInterceptor(exchanger, table, subjectTokenSource, routes.size());
        }

        /**
         * Builds the interceptor and installs it on {@code client}: as an application interceptor
         * ({@code addInterceptor}) together with its network half ({@code addNetworkInterceptor}),
         * which writes a custom header only on the network requests its route covers, so a redirect
         * off the route never carries it, and signs a DPoP proof for each of them (see "DPoP" in the
         * class description). Works for every route; required for routes with
         * {@link RouteBuilder#customHeader(String)} and for an exchanger that uses DPoP. Clients
         * derived with {@code newBuilder()} keep both halves. If the application half is later taken
         * out and added to a client without the network half, a custom-header or DPoP request goes
         * out without the exchanged token or without its proof, and the call fails with
         * {@link TokenInjectionException}.
         *
         * <pre>{@code
         * OkHttpClient client = TokenExchangeInterceptor.builder(exchanger)
         *     .route("https://api.example.com/graphql", r -> r.audience("backend").customHeader("X-Upstream-Token"))
         *     .installOn(existingClient.newBuilder())
         *     .build();
         * }</pre>
         *
         * @param client the builder of the client the routed calls go through
         * @return {@code client}, for chaining
         * @throws IllegalStateException if no route was added, or an {@code http} route was added
         *     without {@link #allowHttpOnLoopback()} or to a host that is not loopback
         * @throws NullPointerException if {@code client} is null
         */
        public OkHttpClient.Builder installOn(OkHttpClient.Builder client) {
            Objects.requireNonNull(client, "client");
            RouteTable table = RouteTable.of(routes, allowHttpOnLoopback);
            return client.addInterceptor(new TokenExchangeInterceptor(exchanger, table, subjectTokenSource,
                    routes.size()))
                    .addNetworkInterceptor(CustomHeaderWriter.INSTANCE)
                    .addNetworkInterceptor(DPoPProofWriter.INSTANCE);
        }
    }
}
