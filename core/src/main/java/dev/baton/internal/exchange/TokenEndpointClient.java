package dev.baton.internal.exchange;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.baton.internal.ClientCredentials;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenType;
import dev.baton.internal.Timers;
import dev.baton.internal.http.BoundedHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import net.minidev.json.JSONObject;

/**
 * Performs one RFC 8693 token exchange against a token endpoint: builds the request with Nimbus,
 * sends it through {@link BoundedHttp} (no redirects, size cap, total deadline), retries only
 * connection errors, 5xx and 429, and checks the response (RFC 8693 §2.2). Non-blocking: backoff
 * waits are scheduled, never slept. Not API.
 */
public final class TokenEndpointClient {
    /** Longest {@code error_description} kept from a server response. */
    static final int MAX_DESCRIPTION = 256;
    private static final int MAX_ERROR_CODE = 64;
    // A run of token-like characters long enough to be a token or secret: redacted from server text.
    private static final Pattern TOKEN_LIKE = Pattern.compile("[A-Za-z0-9._~+/=-]{32,}");

    private final TokenEndpoint endpoint;
    private final ClientCredentials clientAuthentication;
    private final HttpClient http;
    private final Duration deadline;
    private final RetryPolicy retry;
    private final int maxBodyBytes;
    private final Duration defaultLifetime;
    private final Duration maxLifetime;
    private final Clock clock;

    /**
     * @param endpoint where to send the exchange (fixed, or discovered)
     * @param clientAuthentication how to authenticate
     * @param http a client that does not follow redirects
     * @param deadline the total time for one exchange, all attempts included
     * @param retry the retry policy
     * @param maxBodyBytes the response size cap
     * @param defaultLifetime the lifetime assumed when {@code expires_in} is missing or not positive
     * @param maxLifetime the cap on {@code expires_in}
     * @param clock the clock for expiry times and assertions
     */
    public TokenEndpointClient(TokenEndpoint endpoint, ClientCredentials clientAuthentication, HttpClient http,
            Duration deadline, RetryPolicy retry, int maxBodyBytes, Duration defaultLifetime, Duration maxLifetime,
            Clock clock) {
        this.endpoint = endpoint;
        this.clientAuthentication = clientAuthentication;
        this.http = BoundedHttp.requireNoRedirects(http);
        this.deadline = deadline;
        this.retry = retry;
        this.maxBodyBytes = maxBodyBytes;
        this.defaultLifetime = defaultLifetime;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
    }

    /**
     * Exchanges; completes with the token or exceptionally with a {@link TokenExchangeException}.
     * Completing the returned future from outside ends the exchange: no further attempt is made.
     */
    public CompletableFuture<ExchangedToken> exchange(ExchangeRequest request) {
        long deadlineAt = System.nanoTime() + deadline.toNanos();
        CompletableFuture<ExchangedToken> result = new CompletableFuture<>();
        CompletableFuture<URI> resolved;
        try {
            resolved = endpoint.resolve();
        } catch (RuntimeException e) {
            resolved = CompletableFuture.failedFuture(e);
        }
        resolved.whenComplete((uri, error) -> {
            if (error != null) {
                result.completeExceptionally(asExchangeException(unwrap(error),
                        "the token endpoint could not be discovered"));
            } else {
                attempt(uri, request, 1, deadlineAt, result);
            }
        });
        return result;
    }

    private void attempt(URI uri, ExchangeRequest request, int attempt, long deadlineAt,
            CompletableFuture<ExchangedToken> result) {
        if (result.isDone()) {
            // Ended from outside (the exchanger was closed): no request, no retry.
            return;
        }
        long remaining = deadlineAt - System.nanoTime();
        if (remaining <= 0) {
            result.completeExceptionally(deadlineExceeded(null));
            return;
        }
        HttpRequest httpRequest;
        try {
            httpRequest = httpRequest(uri, request);
        } catch (RuntimeException e) {
            // Never include e's message: it could echo a parameter value.
            result.completeExceptionally(new TokenExchangeException("cannot build the token exchange request: "
                    + e.getClass().getSimpleName(), null, null, 0, false, null));
            return;
        }
        CompletableFuture<BoundedHttp.Response> sent;
        try {
            sent = BoundedHttp.sendAsyncBounded(http, httpRequest, Duration.ofNanos(remaining), maxBodyBytes);
        } catch (RuntimeException e) {
            // The result must always complete: a caller of exchangeAsync would otherwise wait forever.
            result.completeExceptionally(new TokenExchangeException("cannot send the token exchange request: "
                    + e.getClass().getSimpleName(), null, null, 0, false, null));
            return;
        }
        sent.whenComplete((response, error) -> {
            Outcome outcome;
            try {
                outcome = error != null ? connectionFailure(unwrap(error)) : handle(response, request);
            } catch (RuntimeException e) {
                outcome = Outcome.failure(new TokenExchangeException("unexpected failure handling the token"
                        + " endpoint response: " + e.getClass().getSimpleName(), null, null, 0, false, null),
                        null);
            }
            if (outcome.token != null) {
                result.complete(outcome.token);
                return;
            }
            TokenExchangeException failure = outcome.failure;
            if (!failure.isRetryable() || attempt >= retry.maxAttempts() || result.isDone()) {
                result.completeExceptionally(failure);
                return;
            }
            long delay = retry.delayAfter(attempt, outcome.retryAfter).toNanos();
            if (System.nanoTime() + delay >= deadlineAt) {
                // Waiting would end past the deadline: fail now with what we know (RFC 9110 §10.2.3
                // Retry-After is honoured, never shortened).
                result.completeExceptionally(failure);
                return;
            }
            // Baton's timer, not the JDK's shared delay thread; the attempt runs on its async pool and
            // only signs an assertion and hands the request to the non-blocking HttpClient.
            Timers.schedule(delay, () -> attempt(uri, request, attempt + 1, deadlineAt, result));
        });
    }

    private HttpRequest httpRequest(URI uri, ExchangeRequest request) {
        List<Audience> audiences = new ArrayList<>();
        for (String a : request.audiences()) {
            audiences.add(new Audience(a));
        }
        TokenExchangeGrant grant = new TokenExchangeGrant(
                new TypelessToken(request.subjectToken()),
                uri(request.subjectTokenType()),
                request.actorToken().map(TypelessToken::new).orElse(null),
                request.actorTokenType().map(TokenEndpointClient::uri).orElse(null),
                request.requestedTokenType().map(TokenEndpointClient::uri).orElse(null),
                audiences.isEmpty() ? null : audiences);
        TokenRequest.Builder builder = clientAuthentication.forRequest(uri, clock)
                .map(auth -> new TokenRequest.Builder(uri, auth, grant))
                // Public client (RFC 6749 §2.1): identify with client_id in the body.
                .orElseGet(() -> new TokenRequest.Builder(uri, new ClientID(clientAuthentication.clientId()), grant));
        if (!request.scopes().isEmpty()) {
            builder.scope(Scope.parse(request.scopes()));
        }
        if (!request.resources().isEmpty()) {
            builder.resources(request.resources().toArray(new URI[0]));
        }
        HTTPRequest nimbus = builder.build().toHTTPRequest();
        HttpRequest.Builder out = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(nimbus.getBody(), StandardCharsets.UTF_8))
                .header("Accept", "application/json")
                // The response carries a token: no cache on the way may store or serve it (RFC 9111 §5.2.1).
                .header("Cache-Control", "no-cache, no-store")
                .header("Pragma", "no-cache");
        for (Map.Entry<String, List<String>> h : nimbus.getHeaderMap().entrySet()) {
            for (String v : h.getValue()) {
                out.header(h.getKey(), v);
            }
        }
        return out.build();
    }

    private static TokenTypeURI uri(TokenType type) {
        try {
            return TokenTypeURI.parse(type.uri());
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid token type", e);
        }
    }

    private Outcome handle(BoundedHttp.Response response, ExchangeRequest request) {
        int status = response.status();
        if (status == 200) {
            try {
                return Outcome.success(parseSuccess(response, request));
            } catch (MalformedResponse e) {
                return Outcome.failure(e.exception, null);
            }
        }
        if (status >= 300 && status < 400) {
            // Never follow: a 307/308 would re-post the subject token and client credentials elsewhere
            // (RFC 9700 §4.12).
            return Outcome.failure(new TokenExchangeException("the token endpoint answered with a redirect (HTTP "
                    + status + "), which is never followed", null, null, status, false, null), null);
        }
        ErrorObject error = parseError(response.body());
        String secret = clientAuthentication.secret();
        String code = error == null ? null : sanitize(error.getCode(), MAX_ERROR_CODE, request, secret);
        String description = error == null ? null
                : sanitize(error.getDescription(), MAX_DESCRIPTION, request, secret);
        boolean retryable = status == 429 || status >= 500;
        StringBuilder message = new StringBuilder("the token endpoint refused the exchange: HTTP ").append(status);
        if (code != null) {
            message.append(", error=").append(code);
        }
        Duration retryAfter = retryable ? retry.parseRetryAfter(response.header("Retry-After"), clock.instant()) : null;
        return Outcome.failure(new TokenExchangeException(message.toString(), code, description, status, retryable,
                null), retryAfter);
    }

    private ExchangedToken parseSuccess(BoundedHttp.Response response, ExchangeRequest request) {
        JSONObject json;
        try {
            json = JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw malformed("the body is not a JSON object");
        }
        Object issued = json.get("issued_token_type");
        if (!(issued instanceof String issuedType) || issuedType.isBlank()) {
            // RFC 8693 §2.2.1: issued_token_type is REQUIRED.
            throw malformed("issued_token_type is missing");
        }
        TokenType issuedTokenType;
        try {
            issuedTokenType = TokenType.of(issuedType);
        } catch (IllegalArgumentException e) {
            throw malformed("issued_token_type is not an absolute URI");
        }
        Object rawTokenType = json.get("token_type");
        if (!(rawTokenType instanceof String tokenType) || tokenType.isBlank()) {
            throw malformed("token_type is missing");
        }
        boolean accessTokenWanted = request.requestedTokenType().map(TokenType.ACCESS_TOKEN::equals).orElse(true);
        if (accessTokenWanted && !"bearer".equalsIgnoreCase(tokenType)) {
            // RFC 6749 §7.1: only a Bearer token may be sent as one; anything else (N_A, DPoP) was not asked for.
            throw malformed("token_type is " + sanitize(tokenType, 32, request,
                    clientAuthentication.secret()) + ", not Bearer");
        }
        Duration lifetime = lifetime(json.remove("expires_in"));
        if (!accessTokenWanted && !"bearer".equalsIgnoreCase(tokenType)) {
            // Nimbus models only Bearer, DPoP and N_A; the caller asked for a non-access token, so the
            // type is informative (RFC 8693 §2.2.1) and only the token itself is parsed here.
            json.put("token_type", "N_A");
        }
        AccessToken accessToken;
        try {
            accessToken = AccessTokenResponse.parse(json).getTokens().getAccessToken();
        } catch (ParseException e) {
            throw malformed("access_token is missing or not a string");
        }
        if (accessToken.getValue().isBlank()) {
            throw malformed("access_token is empty");
        }
        Set<String> scopes = new LinkedHashSet<>();
        Scope granted = accessToken.getScope();
        if (granted != null) {
            scopes.addAll(granted.toStringList());
        } else {
            // RFC 6749 §5.1: scope omitted means the requested scope was granted.
            scopes.addAll(request.scopes());
        }
        Instant expiresAt = clock.instant().plus(lifetime);
        return new ExchangedToken(accessToken.getValue(), tokenType, issuedTokenType, expiresAt, scopes);
    }

    /**
     * {@code expires_in} (RFC 6749 §5.1): missing, not a number, zero or negative gives the default;
     * larger than the cap gives the cap, so nothing is cached for longer than Baton's limit.
     */
    private Duration lifetime(Object expiresIn) {
        double seconds;
        if (expiresIn instanceof Number n) {
            seconds = n.doubleValue();
        } else if (expiresIn instanceof String s && s.length() < 20 && s.matches("[0-9]+")) {
            seconds = Double.parseDouble(s);
        } else {
            return defaultLifetime;
        }
        if (!(seconds >= 1)) {
            return defaultLifetime;
        }
        if (seconds >= maxLifetime.toSeconds()) {
            return maxLifetime;
        }
        return Duration.ofSeconds((long) seconds);
    }

    private static ErrorObject parseError(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JSONObject json = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
            if (!(json.get("error") instanceof String)) {
                return null;
            }
            return TokenErrorResponse.parse(json).getErrorObject();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static MalformedResponse malformed(String what) {
        return new MalformedResponse(new TokenExchangeException("the token endpoint returned an unusable response: "
                + what, null, null, 200, false, null));
    }

    private Outcome connectionFailure(Throwable error) {
        if (error instanceof HttpTimeoutException) {
            return Outcome.failure(deadlineExceeded(error), null);
        }
        if (error instanceof BoundedHttp.BodyTooLargeException) {
            return Outcome.failure(new TokenExchangeException("the token endpoint response is larger than "
                    + maxBodyBytes + " bytes", null, null, 0, false, null), null);
        }
        if (error instanceof java.io.InterruptedIOException) {
            return Outcome.failure(new TokenExchangeException("interrupted while calling the token endpoint", null,
                    null, 0, true, null), null);
        }
        // Connection refused, reset, DNS failure, TLS failure: worth another attempt.
        return Outcome.failure(new TokenExchangeException("cannot reach the token endpoint: "
                + error.getClass().getSimpleName(), null, null, 0, true, error instanceof IOException ? error : null),
                null);
    }

    private TokenExchangeException deadlineExceeded(Throwable cause) {
        return new TokenExchangeException("no token within the exchange deadline of " + deadline.toMillis() + " ms",
                null, null, 0, true, cause);
    }

    static TokenExchangeException asExchangeException(Throwable error, String context) {
        if (error instanceof TokenExchangeException e) {
            return e;
        }
        return new TokenExchangeException(context + ": " + error.getClass().getSimpleName(), null, null, 0,
                error instanceof IOException, null);
    }

    /**
     * Server-supplied text made safe to log and show: printable ASCII only, bounded length, and any
     * run that looks like a token (or is one of the request's tokens, or the client secret) redacted.
     */
    static String sanitize(String text, int max, ExchangeRequest request, String secret) {
        if (text == null) {
            return null;
        }
        String s = text.length() > 4 * max ? text.substring(0, 4 * max) : text;
        if (secret != null && !secret.isEmpty()) {
            // A short secret escapes the token-like pattern below: redact it by value, also
            // URL-encoded as it travels in a Basic header or form body (RFC 6749 §2.3.1).
            s = s.replace(secret, "[redacted]");
            s = s.replace(java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8), "[redacted]");
        }
        s = s.replace(request.subjectToken(), "[redacted]");
        if (request.actorToken().isPresent()) {
            s = s.replace(request.actorToken().get(), "[redacted]");
        }
        s = TOKEN_LIKE.matcher(s).replaceAll("[redacted]");
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Carries a response-check failure out of the parsing code. */
    private static final class MalformedResponse extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient TokenExchangeException exception;

        MalformedResponse(TokenExchangeException exception) {
            super(null, null, false, false);
            this.exception = exception;
        }
    }

    private record Outcome(ExchangedToken token, TokenExchangeException failure, Duration retryAfter) {
        static Outcome success(ExchangedToken token) {
            return new Outcome(token, null, null);
        }

        static Outcome failure(TokenExchangeException failure, Duration retryAfter) {
            return new Outcome(null, failure, retryAfter);
        }
    }
}
