package dev.baton.internal.exchange;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenType;
import dev.baton.internal.ClientCredentials;
import dev.baton.internal.dpop.DPoPBinding;
import dev.baton.internal.http.BoundedHttp;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import net.minidev.json.JSONObject;

/**
 * Reads a token endpoint's answer to an exchange (RFC 8693 §2.2): a success must carry a string
 * {@code access_token}, an {@code issued_token_type} and, unless another type was requested,
 * {@code token_type} Bearer; an error answer yields its OAuth {@code error} and description, made
 * safe to log and show (no token, no secret, printable ASCII, bounded). Nimbus parses the JSON and
 * reads its members.
 * Not API.
 */
final class TokenResponseReader {
    /** Longest {@code error_description} kept from a server response. */
    static final int MAX_DESCRIPTION = 256;
    private static final int MAX_ERROR_CODE = 64;
    // A run of token-like characters long enough to be a token or secret: redacted from server text.
    private static final Pattern TOKEN_LIKE = Pattern.compile("[A-Za-z0-9._~+/=-]{32,}");

    private final ClientCredentials credentials;
    private final RetryPolicy retry;
    private final Duration defaultLifetime;
    private final Duration maxLifetime;
    private final Clock clock;
    private final DPoPBinding dpop;

    TokenResponseReader(ClientCredentials credentials, RetryPolicy retry, Duration defaultLifetime,
            Duration maxLifetime, Clock clock, DPoPBinding dpop) {
        this.dpop = dpop;
        this.credentials = credentials;
        this.retry = retry;
        this.defaultLifetime = defaultLifetime;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
    }

    /**
     * The outcome of one answer: the token from a 200 that passes every check, or a typed failure
     * (a redirect, an OAuth error with its sanitised code and description, a malformed body).
     */
    AttemptOutcome read(BoundedHttp.Response response, ExchangeRequest request) {
        int status = response.status();
        if (status == 200) {
            try {
                return AttemptOutcome.success(parseSuccess(response, request));
            } catch (MalformedResponse e) {
                return AttemptOutcome.failure(e.exception, null);
            }
        }
        if (status >= 300 && status < 400) {
            // Never follow: a 307/308 would re-post the subject token and client credentials elsewhere
            // (RFC 9700 §4.12).
            return AttemptOutcome.failure(new TokenExchangeException("the token endpoint answered with a redirect (HTTP "
                    + status + "), which is never followed", null, null, status, false, null), null);
        }
        ErrorObject error = parseError(response.body());
        String secret = credentials.secret();
        String code = error == null ? null : sanitize(error.getCode(), MAX_ERROR_CODE, request, secret);
        String description = error == null ? null
                : sanitize(error.getDescription(), MAX_DESCRIPTION, request, secret);
        boolean retryable = status == 429 || status >= 500;
        StringBuilder message = new StringBuilder("the token endpoint refused the exchange: HTTP ").append(status);
        if (code != null) {
            message.append(", error=").append(code);
        }
        Duration retryAfter = retryable ? retry.parseRetryAfter(response.header("Retry-After"), clock.instant()) : null;
        return AttemptOutcome.failure(new TokenExchangeException(message.toString(), code, description, status, retryable,
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
        boolean bearer = "bearer".equalsIgnoreCase(tokenType);
        boolean dpopBound = "dpop".equalsIgnoreCase(tokenType);
        if (accessTokenWanted) {
            checkAccessTokenType(tokenType, bearer, dpopBound, request);
        }
        Duration lifetime = lifetime(json.get("expires_in"));
        // The members Baton uses, read with Nimbus' JSON accessors rather than by building its whole
        // AccessTokenResponse, which was most of the cost of reading an answer: access_token must be
        // a string (RFC 6749 §5.1), and scope and refresh_token, when present, strings, as Nimbus'
        // model requires too.
        String accessToken;
        Scope granted;
        try {
            accessToken = JSONObjectUtils.getString(json, "access_token");
            granted = Scope.parse(JSONObjectUtils.getString(json, "scope", null));
            JSONObjectUtils.getString(json, "refresh_token", null);
        } catch (ParseException e) {
            throw malformed("access_token is missing or not a string, or scope or refresh_token is not a string");
        }
        if (accessToken.isBlank()) {
            throw malformed("access_token is empty");
        }
        Set<String> scopes = new LinkedHashSet<>();
        if (granted != null) {
            for (String scope : granted.toStringList()) {
                // The cache keeps every granted scope for the token's life; a scope that was asked for
                // (the usual case) keeps the request's string, which the cache key holds anyway.
                scopes.add(request.scopes().contains(scope) ? requested(request, scope) : scope);
            }
        } else {
            // RFC 6749 §5.1: scope omitted means the requested scope was granted.
            scopes.addAll(request.scopes());
        }
        Instant expiresAt = clock.instant().plus(lifetime);
        // RFC 9449 §5: a DPoP token is bound to the key whose proof came with the request.
        String jkt = dpopBound && dpop.enabled() ? dpop.signer().thumbprint() : null;
        if (dpopBound && jkt == null) {
            throw malformed("token_type is DPoP, but the exchanger sent no DPoP proof");
        }
        return new ExchangedToken(accessToken, tokenType, issuedTokenType, expiresAt, scopes, jkt);
    }

    /**
     * Which {@code token_type} an access token may have: Bearer without DPoP (RFC 6749 §7.1: only a
     * Bearer token may be sent as one; N_A or DPoP were not asked for); DPoP with DPoP (RFC 9449 §5),
     * and Bearer only when the exchanger accepts that downgrade.
     */
    private void checkAccessTokenType(String tokenType, boolean bearer, boolean dpopBound, ExchangeRequest request) {
        if (!dpop.enabled()) {
            if (!bearer) {
                throw malformed("token_type is " + sanitize(tokenType, 32, request, credentials.secret())
                        + ", not Bearer");
            }
            return;
        }
        if (bearer && !dpop.acceptBearer()) {
            // The server ignored the proof: a Bearer token is usable by whoever holds it, which the
            // application chose DPoP to avoid.
            throw malformed("token_type is Bearer, but the exchanger sent a DPoP proof and does not accept"
                    + " Bearer tokens (TokenExchanger.Builder.acceptBearerDowngrade())");
        }
        if (!bearer && !dpopBound) {
            throw malformed("token_type is " + sanitize(tokenType, 32, request, credentials.secret())
                    + ", not DPoP or Bearer");
        }
    }

    /** The request's own instance of {@code scope}, which it contains. */
    private static String requested(ExchangeRequest request, String scope) {
        for (String s : request.scopes()) {
            if (s.equals(scope)) {
                return s;
            }
        }
        return scope;
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

    /** Carries a response-check failure out of the parsing code. */
    private static final class MalformedResponse extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient TokenExchangeException exception;

        MalformedResponse(TokenExchangeException exception) {
            super(null, null, false, false);
            this.exception = exception;
        }
    }
}
