package dev.baton.okhttp;

import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.TokenType;
import dev.baton.ValidatedToken;
import dev.baton.internal.Endpoints;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import okhttp3.Authenticator;
import okhttp3.Challenge;
import okhttp3.CookieJar;
import okhttp3.Headers;
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
 * <h2>Routes</h2>
 * A request is routed when its scheme, host (case-insensitive) and port (default ports included)
 * equal a route's, and its path equals the route's path prefix or lies below it on a segment
 * boundary: {@code /graphql} matches {@code /graphql} and {@code /graphql/x}, never
 * {@code /graphqlx}. When several routes match, the longest prefix wins. A request that matches no
 * route passes through untouched: no exchange, no header change.
 *
 * <p>Only {@code https} routes are accepted; {@code http} routes are refused at build time unless
 * {@link Builder#allowHttpOnLoopback()} is set and the host is {@code localhost}, {@code 127.0.0.0/8}
 * or {@code ::1} (for development and a local TLS-terminating sidecar). A token sent over plain HTTP
 * across a network can be stolen and replayed (RFC 6750 §5.3); that is never allowed.
 *
 * <h2>The user's token</h2>
 * For a routed request the subject token comes from, in order: the request tag
 * {@code ValidatedToken.class}, the request tag {@link SubjectToken SubjectToken.class}, then the
 * {@link SubjectTokenSource} (none by default; {@link SubjectTokenSource#threadBound()} reads the
 * token the servlet filter bound to the thread). Without one the call fails with
 * {@link MissingSubjectTokenException} and nothing is sent. A routed request whose headers still
 * contain the incoming token, or whose URL query does ({@code ?access_token=..}, RFC 6750 §2.3), is
 * refused ({@link TokenInjectionException}): the incoming token is never forwarded (MCP
 * authorization spec, "token passthrough").
 *
 * <h2>Headers</h2>
 * By default {@code Authorization} is replaced with {@code Bearer <exchanged token>} (RFC 6750 §2.1).
 * With {@link RouteBuilder#customHeader(String)} the token goes into that header (as
 * {@code Bearer <exchanged token>}) and {@code Authorization} is left alone; such a route also needs
 * a network interceptor on the client, so it is installed with {@link Builder#installOn} (see
 * below), and {@link Builder#build()} refuses it. An exchanged token whose
 * {@code token_type} is not Bearer (RFC 6749 §7.1) is never sent as one: the call fails.
 *
 * <h2>Why an application interceptor, and redirects</h2>
 * Add it with {@code OkHttpClient.Builder.addInterceptor} (or {@link Builder#installOn}), never
 * {@code addNetworkInterceptor}. As
 * an application interceptor it runs once per call, sees the call's tags and timeout, can retry a
 * call after a 401, and — what matters most — sits above OkHttp's redirect handling, so it exchanges
 * only for the URL the caller chose. A redirect from the routed host to another host must not carry
 * the exchanged token: OkHttp drops {@code Authorization} when it follows a redirect to another
 * scheme, host or port, but copies every other header (and keeps {@code Authorization} on a
 * redirect within the same origin, even to a path outside the route). So for a custom header this
 * interceptor only tags the request, and the network half that {@link Builder#installOn} adds writes
 * the header on each network request the route covers (same origin, under the path prefix), which
 * a redirect off the route never is; the response handed back refers to the request without it.
 * If the interceptor ends up on a client without its network half anyway (taken out of the client
 * builder and added elsewhere with {@code addInterceptor}), the request goes out without the
 * exchanged token and the call then fails with {@link TokenInjectionException}.
 *
 * <p>Routed calls bypass the client's shared state that could mix users or credentials: the HTTP
 * cache (responses are per user), the {@code CookieJar} (a cookie set for one user would go out
 * with another user's request) and the {@code Authenticator} (it would answer a 401 below this
 * interceptor, possibly with another credential).
 *
 * <h2>401 and failures</h2>
 * When the backend answers 401 without {@code WWW-Authenticate}, or with a {@code Bearer} challenge
 * that says {@code error="invalid_token"} or names no error (RFC 6750 §3.1), the exchanged token is
 * dropped from the exchanger's cache and the call is retried once with a fresh one — unless the
 * body is one-shot or duplex and cannot be replayed. Other errors and challenges of other schemes
 * alone are not retried. Never more than one retry; the second answer reaches the caller as it is.
 *
 * <p>Every failure is an {@link IOException}, so OkHttp callers handle it like other I/O failures:
 * {@link TokenExchangeIOException} (cause: the {@link TokenExchangeException}),
 * {@link MissingSubjectTokenException}, {@link TokenInjectionException}, or an
 * {@link InterruptedIOException} when waiting for the exchange outlasts the call timeout (or, when
 * there is none, the read timeout) or the thread is interrupted. A canceled call stops waiting.
 * No token appears in any exception message or {@code toString()}.
 *
 * <p>Thread-safe and immutable; share one instance across clients and threads.
 */
public final class TokenExchangeInterceptor implements Interceptor {
    /** How often a wait for the exchange checks whether the call was canceled. */
    private static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final TokenExchanger exchanger;
    private final List<Route> routes;
    private final SubjectTokenSource subjectTokenSource;

    private TokenExchangeInterceptor(Builder b) {
        this.exchanger = b.exchanger;
        List<Route> sorted = new ArrayList<>(b.routes);
        // Longest prefix first, so the most specific route wins.
        sorted.sort(Comparator.comparingInt(Route::prefixLength).reversed());
        this.routes = List.copyOf(sorted);
        this.subjectTokenSource = b.subjectTokenSource;
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

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Route route = routeFor(request.url());
        if (route == null) {
            return chain.proceed(request);
        }
        if (chain.connection() != null) {
            throw new TokenInjectionException("TokenExchangeInterceptor must be added with addInterceptor "
                    + "(an application interceptor), not addNetworkInterceptor");
        }
        SubjectToken subject = subjectTokenFor(request, route);
        ExchangeRequest exchangeRequest = route.exchangeRequest(subject);
        // Routed calls carry one user's credential, and the client's shared state must not mix users
        // or credentials: no shared HTTP cache (responses are per user), no cookie jar (a cookie set
        // for one user would be sent with the next user's request), and no Authenticator (it answers
        // a 401 below this interceptor and could resend the request with another credential).
        Chain isolated = chain.withCache(null).withCookieJar(CookieJar.NO_COOKIES)
                .withAuthenticator(Authenticator.NONE);

        Response response = send(isolated, request, route, subject, exchange(chain, exchangeRequest, route));
        // Retry only a 401 from the route's own origin: after a redirect elsewhere, a fresh token would not help.
        if (response.code() != 401 || !route.sameOrigin(response.request().url()) || !replayable(request.body())
                || !challengeAllowsRetry(response)) {
            return response;
        }
        response.close();
        exchanger.invalidate(exchangeRequest);
        return send(isolated, request, route, subject, exchange(chain, exchangeRequest, route));
    }

    private Route routeFor(HttpUrl url) {
        for (Route route : routes) {
            if (route.matches(url)) {
                return route;
            }
        }
        return null;
    }

    private SubjectToken subjectTokenFor(Request request, Route route) throws MissingSubjectTokenException {
        ValidatedToken validated = request.tag(ValidatedToken.class);
        if (validated != null) {
            return SubjectToken.of(validated);
        }
        SubjectToken tagged = request.tag(SubjectToken.class);
        if (tagged != null) {
            return tagged;
        }
        Optional<SubjectToken> fromSource;
        try {
            fromSource = subjectTokenSource.subjectToken(request);
        } catch (RuntimeException e) {
            throw new MissingSubjectTokenException("the subject token source failed for a request to route " + route
                    + ": " + e.getClass().getName() + "; the request was not sent", e);
        }
        if (fromSource == null || fromSource.isEmpty()) {
            throw new MissingSubjectTokenException("no subject token for a request to route " + route
                    + ": tag the request with ValidatedToken.class or SubjectToken.class, or configure a "
                    + "SubjectTokenSource; the request was not sent", null);
        }
        return fromSource.get();
    }

    /** Exchanges, waiting no longer than the call's timeout and stopping when the call is canceled. */
    private ExchangedToken exchange(Chain chain, ExchangeRequest request, Route route) throws IOException {
        CompletableFuture<ExchangedToken> future;
        try {
            future = exchanger.exchangeAsync(request);
        } catch (RuntimeException e) {
            throw failure(route, e);
        }
        ExchangedToken token;
        if (future.isDone()) {
            token = await(future, Long.MAX_VALUE, route);
        } else {
            token = awaitWithinCallTimeout(chain, future, route);
        }
        if (token == null) {
            throw failure(route, new IllegalStateException("the exchanger returned no token"));
        }
        return token;
    }

    private ExchangedToken awaitWithinCallTimeout(Chain chain, CompletableFuture<ExchangedToken> future, Route route)
            throws IOException {
        long budget = chain.call().timeout().timeoutNanos();
        if (budget <= 0) {
            budget = TimeUnit.MILLISECONDS.toNanos(chain.readTimeoutMillis());
        }
        long deadline = budget > 0 ? System.nanoTime() + budget : 0;
        while (true) {
            if (chain.call().isCanceled()) {
                throw new IOException("Canceled");
            }
            long wait = CANCEL_CHECK_NANOS;
            if (budget > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new InterruptedIOException("the token exchange for route " + route
                            + " did not complete within the call's timeout; the request was not sent");
                }
                wait = Math.min(wait, remaining);
            }
            ExchangedToken token = await(future, wait, route);
            if (token != null) {
                return token;
            }
            if (future.isDone()) {
                // Completed just after the timed wait gave up, or completed with no token at all.
                return await(future, Long.MAX_VALUE, route);
            }
        }
    }

    /** The token, or {@code null} when {@code nanos} passed first. */
    private static ExchangedToken await(CompletableFuture<ExchangedToken> future, long nanos, Route route)
            throws IOException {
        try {
            return nanos == Long.MAX_VALUE ? future.get() : future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the token exchange for route " + route);
        } catch (ExecutionException | CompletionException e) {
            throw failure(route, e.getCause() == null ? e : e.getCause());
        }
    }

    private static TokenExchangeIOException failure(Route route, Throwable cause) {
        Throwable c = cause;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        TokenExchangeException exchangeException = c instanceof TokenExchangeException tee ? tee
                : new TokenExchangeException("the token exchange failed unexpectedly: " + c.getClass().getName(),
                        null, null, 0, false, c);
        String error = exchangeException.error() == null ? "" : " (error " + exchangeException.error() + ")";
        return new TokenExchangeIOException("token exchange for route " + route + " failed" + error + ": "
                + exchangeException.getMessage() + "; the request was not sent", exchangeException);
    }

    private Response send(Chain chain, Request original, Route route, SubjectToken subject, ExchangedToken token)
            throws IOException {
        String accessToken = usableToken(token, route);
        if (accessToken.equals(subject.value())) {
            throw new TokenInjectionException("the exchange for route " + route + " returned the incoming subject "
                    + "token itself; it is never forwarded, the request was not sent");
        }
        String value = "Bearer " + accessToken;
        Request.Builder builder = original.newBuilder();
        HeaderGrant grant = null;
        if (route.usesCustomHeader()) {
            grant = new HeaderGrant(route, value);
            builder.removeHeader(route.header()).tag(HeaderGrant.class, grant);
        } else {
            builder.header(Route.AUTHORIZATION, value);
        }
        Request out = builder.build();
        refuseForwarding(out, subject, route);
        Response response = chain.proceed(out);
        if (grant != null && !grant.seen()) {
            response.close();
            throw new TokenInjectionException("route " + route + " puts the token in a custom header, which needs "
                    + "the network interceptor that TokenExchangeInterceptor.Builder.installOn(OkHttpClient.Builder) "
                    + "adds; this client lacks it, so the request went out without the exchanged token");
        }
        return response;
    }

    /**
     * The access token, checked to be a Bearer token (RFC 6749 §7.1) made only of RFC 6750 §2.1
     * {@code b64token} characters, so it can neither be sent as the wrong kind of token nor break
     * the header it goes into.
     */
    private static String usableToken(ExchangedToken token, Route route) throws TokenExchangeIOException {
        if (!token.isBearer()) {
            throw failure(route, new TokenExchangeException("the token endpoint issued token_type "
                    + printable(token.tokenType()) + ", which is never sent as a Bearer token (RFC 6749 section 7.1)",
                    null, null, 0, false, null));
        }
        String value = token.accessToken();
        if (!isB64Token(value)) {
            throw failure(route, new TokenExchangeException("the issued access_token is not an RFC 6750 section 2.1 "
                    + "b64token and cannot be sent in a header", null, null, 0, false, null));
        }
        return value;
    }

    static boolean isB64Token(String s) {
        int n = s.length();
        int end = n;
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 32; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static void refuseForwarding(Request request, SubjectToken subject, Route route)
            throws TokenInjectionException {
        String incoming = subject.value();
        HttpUrl url = request.url();
        if (contains(url.encodedQuery(), incoming) || contains(url.query(), incoming)) {
            // For example ?access_token=<incoming> (RFC 6750 §2.3): as forbidden as a header.
            throw new TokenInjectionException("the request to route " + route + " carries the incoming subject "
                    + "token in the URL query; it is never forwarded, the request was not sent");
        }
        Headers headers = request.headers();
        for (int i = 0; i < headers.size(); i++) {
            if (headers.value(i).contains(incoming)) {
                throw new TokenInjectionException("the request to route " + route + " carries the incoming subject "
                        + "token in header " + headers.name(i) + "; it is never forwarded, the request was not sent");
            }
        }
    }

    private static boolean contains(String s, String part) {
        return s != null && s.contains(part);
    }

    private static boolean replayable(RequestBody body) {
        return body == null || (!body.isOneShot() && !body.isDuplex());
    }

    /**
     * Whether a 401 says the Bearer token itself was refused, so a fresh one may help: a 401
     * without any {@code WWW-Authenticate} header, or a {@code Bearer} challenge (RFC 6750 §3) with
     * the error {@code invalid_token} or without any error code (RFC 6750 §3.1: a request without
     * usable authentication information). Other errors ({@code insufficient_scope},
     * {@code invalid_request}) would not be cured by a fresh token, and challenges of other schemes
     * alone ({@code Basic realm=..}) ask for a credential this interceptor does not send.
     */
    private static boolean challengeAllowsRetry(Response response) {
        if (response.headers("WWW-Authenticate").isEmpty()) {
            return true;
        }
        boolean bearerWithoutError = false;
        for (Challenge challenge : response.challenges()) {
            if (!challenge.scheme().equalsIgnoreCase("Bearer")) {
                continue;
            }
            String error = null;
            for (Map.Entry<String, String> param : challenge.authParams().entrySet()) {
                if (param.getKey() != null && param.getKey().equalsIgnoreCase("error")) {
                    error = param.getValue();
                }
            }
            if ("invalid_token".equals(error)) {
                return true;
            }
            bearerWithoutError |= error == null;
        }
        return bearerWithoutError;
    }

    /** Lists the routes; never a token. */
    @Override
    public String toString() {
        return "TokenExchangeInterceptor[routes=" + routes + "]";
    }

    /**
     * Builds a {@link TokenExchangeInterceptor}. Each method checks its own input and fails fast;
     * what depends on several settings (a route's {@code http} scheme against
     * {@link #allowHttpOnLoopback()}, a custom-header route against {@link #build()}) is checked
     * when the interceptor is built.
     */
    public static final class Builder {
        private final TokenExchanger exchanger;
        private final List<Route> routes = new ArrayList<>();
        private SubjectTokenSource subjectTokenSource = SubjectTokenSource.none();
        private boolean allowHttpOnLoopback;
        private final List<HttpUrl> pendingHttp = new ArrayList<>();

        private Builder(TokenExchanger exchanger) {
            this.exchanger = exchanger;
        }

        /**
         * Adds a route: requests under {@code urlPrefix} are sent with a token exchanged as
         * {@code config} describes.
         *
         * @param urlPrefix scheme, host, optional port and path prefix, for example
         *     {@code https://api.example.com/graphql}; no user info, query or fragment
         * @param config sets the audience, resources, scopes, requested token type, actor token and
         *     header of the exchange for this route
         * @return this builder
         * @throws IllegalArgumentException if the prefix is not an absolute http(s) URL, has user
         *     info, a query or a fragment, duplicates another route, or a value given to
         *     {@code config} is invalid
         */
        public Builder route(String urlPrefix, Consumer<RouteBuilder> config) {
            Objects.requireNonNull(urlPrefix, "urlPrefix");
            Objects.requireNonNull(config, "config");
            HttpUrl url = parsePrefix(urlPrefix);
            RouteBuilder rb = new RouteBuilder();
            config.accept(rb);
            Route route = rb.build(url);
            for (Route existing : routes) {
                if (existing.sameTarget(route)) {
                    throw new IllegalArgumentException("two routes for the same URL prefix: " + route);
                }
            }
            routes.add(route);
            if (url.scheme().equals("http")) {
                pendingHttp.add(url);
            }
            return this;
        }

        /**
         * Where the subject token comes from when a routed request has no {@code ValidatedToken} or
         * {@link SubjectToken} tag. Default: {@link SubjectTokenSource#none()}.
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
         * {@code http} routes to any other host are always refused (RFC 6750 §5.3).
         *
         * @return this builder
         */
        public Builder allowHttpOnLoopback() {
            this.allowHttpOnLoopback = true;
            return this;
        }

        /**
         * The interceptor, to add with {@code OkHttpClient.Builder.addInterceptor}. For routes with
         * {@link RouteBuilder#customHeader(String)}, which also need a network interceptor, use
         * {@link #installOn(OkHttpClient.Builder)} instead.
         *
         * @return the interceptor
         * @throws IllegalStateException if no route was added, a route uses a custom header, or an
         *     {@code http} route was added without {@link #allowHttpOnLoopback()} or to a host that
         *     is not loopback
         */
        public TokenExchangeInterceptor build() {
            checkRoutes();
            for (Route route : routes) {
                if (route.usesCustomHeader()) {
                    throw new IllegalStateException("route " + route + " puts the token in a custom header, which "
                            + "needs a network interceptor too: use installOn(OkHttpClient.Builder) instead of build()");
                }
            }
            return new TokenExchangeInterceptor(this);
        }

        /**
         * Builds the interceptor and installs it on {@code client}: as an application interceptor
         * ({@code addInterceptor}) together with its network half ({@code addNetworkInterceptor}),
         * which writes a custom header only on the network requests its route covers. Works for
         * every route; required for routes with {@link RouteBuilder#customHeader(String)}. Clients
         * derived with {@code newBuilder()} keep both halves.
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
            checkRoutes();
            return client.addInterceptor(new TokenExchangeInterceptor(this))
                    .addNetworkInterceptor(CustomHeaderWriter.INSTANCE);
        }

        private void checkRoutes() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("add at least one route; requests outside every route never get a token");
            }
            for (HttpUrl url : pendingHttp) {
                if (!Endpoints.isLoopback(url.host())) {
                    throw new IllegalStateException("route " + url + " uses plain http to a host that is not loopback; "
                            + "tokens are only sent over https (RFC 6750 section 5.3)");
                }
                if (!allowHttpOnLoopback) {
                    throw new IllegalStateException("route " + url + " uses plain http; only https routes are allowed "
                            + "unless allowHttpOnLoopback() is set (loopback hosts only, for development)");
                }
            }
        }

        private static HttpUrl parsePrefix(String urlPrefix) {
            HttpUrl url = HttpUrl.parse(urlPrefix);
            if (url == null) {
                throw new IllegalArgumentException("route must be an absolute http or https URL: " + urlPrefix);
            }
            if (!url.encodedUsername().isEmpty() || !url.encodedPassword().isEmpty()) {
                throw new IllegalArgumentException("route must not contain user info");
            }
            if (url.encodedQuery() != null || url.encodedFragment() != null) {
                throw new IllegalArgumentException("route must not contain a query or fragment: " + url.scheme() + "://"
                        + url.host() + url.encodedPath());
            }
            return url;
        }
    }

    /**
     * How to build the exchange request (RFC 8693 §2.1) and where to put the token for one route.
     * Values are checked as they are given.
     */
    public static final class RouteBuilder {
        private final List<String> audiences = new ArrayList<>();
        private final List<String> resources = new ArrayList<>();
        private final List<String> scopes = new ArrayList<>();
        private TokenType requestedTokenType;
        private Supplier<String> actorToken;
        private TokenType actorTokenType;
        private String customHeader;

        private RouteBuilder() {
        }

        /**
         * Adds {@code audience} values: the logical names of the backend (RFC 8693 §2.1).
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
         * Adds {@code resource} values: absolute URIs without fragment (RFC 8707 §2).
         *
         * @param resources the resource URIs
         * @return this route builder
         * @throws IllegalArgumentException if a value is not such a URI
         */
        public RouteBuilder resource(String... resources) {
            List<String> values = List.of(resources);
            for (String r : values) {
                probe().resource(r);
            }
            this.resources.addAll(values);
            return this;
        }

        /**
         * Adds requested scopes (RFC 6749 §3.3); ask for the narrowest the backend needs.
         *
         * @param scopes the scope tokens
         * @return this route builder
         * @throws IllegalArgumentException if a value is not a valid scope token
         */
        public RouteBuilder scopes(String... scopes) {
            List<String> values = List.of(scopes);
            probe().scopes(values);
            this.scopes.addAll(values);
            return this;
        }

        /**
         * The {@code requested_token_type} (RFC 8693 §2.1); the server's default when not set.
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
         * A fixed actor token (RFC 8693 §2.1 {@code actor_token}) for delegation.
         *
         * @param token the actor token
         * @param type its {@code actor_token_type}
         * @return this route builder
         * @throws IllegalArgumentException if {@code token} is blank
         */
        public RouteBuilder actorToken(String token, TokenType type) {
            probe().actorToken(token, Objects.requireNonNull(type, "type"));
            return actorToken(() -> token, type);
        }

        /**
         * An actor token read for every exchange, for an actor token that is itself renewed (for
         * example the MCP server's own client-credentials token). A supplier that throws or returns
         * a blank value fails the call with {@link TokenInjectionException}.
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
         * {@code Authorization}, which is then left as the caller set it. The client also needs the
         * interceptor's network half: install with {@link Builder#installOn(OkHttpClient.Builder)};
         * {@link Builder#build()} refuses such a route.
         *
         * @param name the header name
         * @return this route builder
         * @throws IllegalArgumentException if {@code name} is not an RFC 9110 §5.1 field name, or
         *     is {@code Authorization} (the default), or a header OkHttp or HTTP manage themselves
         */
        public RouteBuilder customHeader(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || !name.chars().allMatch(RouteBuilder::isTchar)) {
                throw new IllegalArgumentException("custom header must be an RFC 9110 section 5.1 field name: " + name);
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("authorization")) {
                throw new IllegalArgumentException("Authorization is the default header; customHeader names another one");
            }
            if (List.of("host", "content-length", "content-type", "transfer-encoding", "connection", "cookie",
                    "proxy-authorization", "te", "upgrade").contains(lower)) {
                throw new IllegalArgumentException("custom header must not be a header HTTP itself uses: " + name);
            }
            this.customHeader = name;
            return this;
        }

        private static boolean isTchar(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }

        /** A throwaway request builder, so values are checked by the same rules the exchange uses. */
        private static ExchangeRequest.Builder probe() {
            return ExchangeRequest.builder();
        }

        Route build(HttpUrl prefix) {
            return new Route(prefix, customHeader, audiences, resources, scopes, requestedTokenType, actorToken,
                    actorTokenType);
        }
    }
}
