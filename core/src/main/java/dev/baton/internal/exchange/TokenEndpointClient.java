package dev.baton.internal.exchange;

import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.JWTAuthentication;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.baton.EndpointObserver;
import dev.baton.internal.ClientCredentials;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenType;
import dev.baton.internal.Timers;
import dev.baton.internal.dpop.DPoPNonce;
import dev.baton.internal.dpop.DPoPBinding;
import dev.baton.internal.http.BoundedHttp;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Performs one RFC 8693 token exchange against a token endpoint: builds the request from Nimbus' models,
 * sends it through {@link BoundedHttp} (no redirects, size cap, total deadline), retries only
 * connection errors, 5xx and 429, and checks the response (RFC 8693 §2.2). Non-blocking: backoff
 * waits are scheduled, never slept. Not API.
 */
public final class TokenEndpointClient {
    private static final String USE_DPOP_NONCE = "use_dpop_nonce";
    /** What Nimbus' token request declares: {@code application/x-www-form-urlencoded; charset=UTF-8}. */
    private static final String FORM_CONTENT_TYPE = ContentType.APPLICATION_URLENCODED.toString();
    private final TokenEndpoint endpoint;
    private final ClientCredentials clientAuthentication;
    private final HttpClient http;
    private final EndpointObserver observer;
    private final Duration deadline;
    private final RetryPolicy retry;
    private final int maxBodyBytes;
    private final Clock clock;
    private final TokenResponseReader reader;
    private final DPoPBinding dpop;
    // The latest DPoP-Nonce of this exchanger's one authorization server (RFC 9449 §8): every proof
    // carries it, and any answer carrying a new one replaces it.
    private final AtomicReference<String> dpopNonce = new AtomicReference<>();

    /**
     * @param endpoint where to send the exchange (fixed, or discovered)
     * @param clientAuthentication how to authenticate
     * @param http a client that does not follow redirects
     * @param observer told of each attempt
     * @param deadline the total time for one exchange, all attempts included
     * @param retry the retry policy
     * @param maxBodyBytes the response size cap
     * @param defaultLifetime the lifetime assumed when {@code expires_in} is missing or not positive
     * @param maxLifetime the cap on {@code expires_in}
     * @param clock the clock for expiry times and assertions
     * @param dpop whether requests carry a DPoP proof (RFC 9449 §5) and which answers are accepted then
     */
    public TokenEndpointClient(TokenEndpoint endpoint, ClientCredentials clientAuthentication, HttpClient http,
            EndpointObserver observer, Duration deadline, RetryPolicy retry, int maxBodyBytes, Duration defaultLifetime,
            Duration maxLifetime, Clock clock, DPoPBinding dpop) {
        this.endpoint = endpoint;
        this.clientAuthentication = clientAuthentication;
        this.http = BoundedHttp.requireNoRedirects(http);
        this.observer = observer;
        this.deadline = deadline;
        this.retry = retry;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
        this.dpop = dpop;
        this.reader = new TokenResponseReader(clientAuthentication, retry, defaultLifetime, maxLifetime, clock, dpop);
    }

    /**
     * Exchanges; completes with the token or exceptionally with a {@link TokenExchangeException}.
     * Completing the returned future from outside ends the exchange: no further attempt is made.
     * When {@code here} is given and the first attempt is ready while its caller is still setting
     * the exchange up, that attempt's request is handed to {@code here} to be sent on the caller's
     * own thread ({@link CallerSend}); otherwise, and for every later attempt, Baton's threads send it.
     *
     * @param here the caller that may send the first request itself, or {@code null}
     */
    CompletableFuture<ExchangedToken> exchange(ExchangeRequest request, CallerSend here) {
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
                attempt(uri, request, 1, false, deadlineAt, result, here);
            }
        });
        return result;
    }

    /**
     * One attempt; {@code nonceRetried} says whether this exchange already answered a
     * {@code use_dpop_nonce} (RFC 9449 §8), which it does once, at once and outside the retry count.
     */
    private void attempt(URI uri, ExchangeRequest request, int attempt, boolean nonceRetried, long deadlineAt,
            CompletableFuture<ExchangedToken> result, CallerSend here) {
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
        String usedNonce = dpopNonce.get();
        try {
            httpRequest = httpRequest(uri, request, usedNonce, Duration.ofNanos(remaining));
        } catch (RuntimeException e) {
            // Never include e's message: it could echo a parameter value.
            result.completeExceptionally(new TokenExchangeException("cannot build the token exchange request: "
                    + e.getClass().getSimpleName(), null, null, 0, false, null));
            return;
        }
        CompletableFuture<BoundedHttp.Response> deferred = here == null ? null : new CompletableFuture<>();
        boolean onCallersThread = here != null
                && here.defer(() -> sendHere(httpRequest, deadlineAt, deferred, result));
        CompletableFuture<BoundedHttp.Response> sent;
        try {
            sent = onCallersThread ? deferred : BoundedHttp.sendAsyncBounded(http, observer,
                    EndpointObserver.Endpoint.TOKEN, httpRequest, Duration.ofNanos(remaining), maxBodyBytes);
        } catch (RuntimeException e) {
            // The result must always complete: a caller of exchangeAsync would otherwise wait forever.
            result.completeExceptionally(new TokenExchangeException("cannot send the token exchange request: "
                    + e.getClass().getSimpleName(), null, null, 0, false, null));
            return;
        }
        sent.whenComplete((response, error) -> {
            String nonce = response == null ? null : rememberNonce(response);
            boolean newNonce = nonce != null && !nonce.equals(usedNonce);
            AttemptOutcome outcome;
            try {
                outcome = error != null ? connectionFailure(unwrap(error)) : reader.read(response, request);
            } catch (RuntimeException e) {
                outcome = AttemptOutcome.failure(new TokenExchangeException("unexpected failure handling the token"
                        + " endpoint response: " + e.getClass().getSimpleName(), null, null, 0, false, null),
                        null);
            }
            if (outcome.token() != null) {
                result.complete(outcome.token());
                return;
            }
            TokenExchangeException failure = outcome.failure();
            if (onCallersThread && unwrap(error) instanceof InterruptedIOException && !result.isDone()) {
                // The caller's thread was interrupted while it sent the request: that caller stops
                // waiting (its flag is kept), and the exchange goes on without it for any call that
                // joined it, as it would have had another thread sent it. Not counted as an attempt.
                attempt(uri, request, attempt, nonceRetried, deadlineAt, result, null);
                return;
            }
            if (newNonce && !nonceRetried && !result.isDone() && failure.httpStatus() == 400
                    && USE_DPOP_NONCE.equals(failure.error())) {
                // RFC 9449 §8: the server wants its nonce in the proof; one more request, with it,
                // within the same deadline (attempt() ends at the deadline) and without a backoff.
                attempt(uri, request, attempt, true, deadlineAt, result, null);
                return;
            }
            if (!failure.isRetryable() || attempt >= retry.maxAttempts() || result.isDone()) {
                result.completeExceptionally(failure);
                return;
            }
            long delay = retry.delayAfter(attempt, outcome.retryAfter()).toNanos();
            if (System.nanoTime() + delay >= deadlineAt) {
                // Waiting would end past the deadline: fail now with what we know (RFC 9110 §10.2.3
                // Retry-After is honoured, never shortened).
                result.completeExceptionally(failure);
                return;
            }
            // Baton's timer, not the JDK's shared delay thread; the attempt runs on its async pool and
            // only signs an assertion and hands the request to the non-blocking HttpClient.
            Timers.schedule(delay, () -> attempt(uri, request, attempt + 1, nonceRetried, deadlineAt, result, null));
        });
    }

    /**
     * Sends one attempt's request on the calling thread (see {@link CallerSend}) and completes {@code
     * sent}, whatever happens: the exchange's callers, joined ones included, wait on it.
     */
    private void sendHere(HttpRequest httpRequest, long deadlineAt, CompletableFuture<BoundedHttp.Response> sent,
            CompletableFuture<ExchangedToken> result) {
        if (result.isDone()) {
            // Ended between set-up and sending (the exchanger was closed): nothing is sent.
            sent.completeExceptionally(new IOException("the exchange ended before its request was sent"));
            return;
        }
        try {
            sent.complete(BoundedHttp.send(http, observer, EndpointObserver.Endpoint.TOKEN, httpRequest,
                    Duration.ofNanos(Math.max(0, deadlineAt - System.nanoTime())), maxBodyBytes));
        } catch (IOException | RuntimeException e) {
            sent.completeExceptionally(e);
        } catch (Error e) {
            sent.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Keeps the answer's {@code DPoP-Nonce} (RFC 9449 §8.2: on an error or a success, it replaces the
     * one before); a missing, repeated or malformed header changes nothing.
     *
     * @return the answer's nonce, or {@code null}
     */
    private String rememberNonce(BoundedHttp.Response response) {
        if (!dpop.enabled()) {
            return null;
        }
        String nonce = DPoPNonce.fromHeaders(response.headers().allValues("DPoP-Nonce"));
        if (nonce != null) {
            dpopNonce.set(nonce);
        }
        return nonce;
    }

    private HttpRequest httpRequest(URI uri, ExchangeRequest request, String nonce, Duration deadline) {
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
        // The form TokenRequest.toHTTPRequest() writes, in its order (client authentication, the
        // RFC 8693 §2.1 grant, scope, client_id of a public client, resource), from the same Nimbus
        // models, without the HTTPRequest round trip it makes (the form parsed back from the body to
        // add each part, the content type parsed on each check): that was most of the request's cost.
        Map<String, List<String>> form = new LinkedHashMap<>();
        String authorization = null;
        ClientAuthentication auth = clientAuthentication.forRequest(uri, clock).orElse(null);
        if (auth instanceof ClientSecretBasic) {
            // RFC 6749 §2.3.1: id and secret form-encoded, then Base64, in the Authorization header
            // (the same value for every request, made once).
            authorization = clientAuthentication.basicAuthorization();
        } else if (auth instanceof ClientSecretPost post) {
            form.putAll(post.toParameters());
        } else if (auth instanceof JWTAuthentication assertion) {
            // private_key_jwt (RFC 7523 §2.2): client_assertion_type and client_assertion in the body.
            form.putAll(assertion.toParameters());
        } else if (auth != null) {
            // ClientCredentials makes only the three above: anything else is a programming error.
            throw new IllegalStateException("unsupported client authentication");
        }
        form.putAll(grant.toParameters());
        if (!request.scopes().isEmpty()) {
            form.put("scope", List.of(String.join(" ", request.scopes())));
        }
        if (auth == null) {
            // Public client (RFC 6749 §2.1): identify with client_id in the body.
            form.put("client_id", List.of(clientAuthentication.clientId()));
        }
        if (!request.resources().isEmpty()) {
            List<String> resources = new ArrayList<>(request.resources().size());
            for (URI r : request.resources()) {
                resources.add(r.toString());
            }
            form.put("resource", resources);
        }
        HttpRequest.Builder out = HttpRequest.newBuilder(uri)
                // The JDK's own timeout as a second stop behind BoundedHttp's abort (see BoundedHttp.withTimeout).
                .timeout(deadline)
                .POST(HttpRequest.BodyPublishers.ofString(FormBody.of(form), StandardCharsets.UTF_8))
                .header("Content-Type", FORM_CONTENT_TYPE)
                .header("Accept", "application/json")
                // The response carries a token: no cache on the way may store or serve it (RFC 9111 §5.2.1).
                .header("Cache-Control", "no-cache, no-store")
                .header("Pragma", "no-cache");
        if (authorization != null) {
            out.header("Authorization", authorization);
        }
        if (dpop.enabled()) {
            // RFC 9449 §5: a fresh proof for every token request (htm POST, htu the endpoint), with the
            // server's latest nonce when it sent one.
            out.header("DPoP", dpop.signer().proof("POST", uri, null, nonce));
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

    private AttemptOutcome connectionFailure(Throwable error) {
        if (error instanceof HttpTimeoutException) {
            return AttemptOutcome.failure(deadlineExceeded(error), null);
        }
        if (error instanceof BoundedHttp.BodyTooLargeException) {
            return AttemptOutcome.failure(new TokenExchangeException("the token endpoint response is larger than "
                    + maxBodyBytes + " bytes", null, null, 0, false, null), null);
        }
        if (error instanceof java.io.InterruptedIOException) {
            return AttemptOutcome.failure(new TokenExchangeException("interrupted while calling the token endpoint", null,
                    null, 0, true, null), null);
        }
        // Connection refused, reset, DNS failure, TLS failure: worth another attempt.
        return AttemptOutcome.failure(new TokenExchangeException("cannot reach the token endpoint: "
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

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
