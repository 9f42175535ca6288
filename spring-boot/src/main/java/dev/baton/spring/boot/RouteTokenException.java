package dev.baton.spring.boot;

import dev.baton.TokenExchangeException;
import java.io.IOException;
import java.util.Optional;

/**
 * A {@code RestClient}/{@code RestTemplate} call to a {@code baton.routes} backend was not sent,
 * because no user's token was available or the token exchange failed. Baton never sends such a call
 * without an exchanged token and never with the incoming one (fail closed).
 *
 * <p>Thrown by {@link BatonRestClientInterceptor}; an {@code IOException}, as the
 * {@code ClientHttpRequestInterceptor} contract asks, so {@code RestClient} reports it as a
 * {@code ResourceAccessException} whose cause is this exception. The message names the route and
 * the reason, never a token; {@link #exchangeFailure()} has the OAuth error, HTTP status and whether
 * a retry could help. Inside a Spring AI MCP tool, the starter turns it into a tool error (see
 * docs/spring-boot.md).
 */
public final class RouteTokenException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the call was not sent. */
    public enum Reason {
        /** No validated user on the calling thread or request (see {@link BatonRestClientInterceptor}). */
        NO_USER,
        /** The token exchange failed, or issued a token that cannot be sent as a Bearer token. */
        EXCHANGE_FAILED
    }

    private final Reason reason;
    private final String backend;
    private final transient TokenExchangeException exchangeFailure;

    RouteTokenException(Reason reason, String backend, String message, TokenExchangeException exchangeFailure) {
        super(message, exchangeFailure);
        this.reason = reason;
        this.backend = backend;
        this.exchangeFailure = exchangeFailure;
    }

    /** @return why the call was not sent */
    public Reason reason() {
        return reason;
    }

    /** @return the route's {@code name}, what users know the backend as */
    public String backend() {
        return backend;
    }

    /** @return the failed exchange, for {@link Reason#EXCHANGE_FAILED} */
    public Optional<TokenExchangeException> exchangeFailure() {
        return Optional.ofNullable(exchangeFailure);
    }
}
