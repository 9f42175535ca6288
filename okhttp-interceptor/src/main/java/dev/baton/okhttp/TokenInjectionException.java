package dev.baton.okhttp;

import java.io.IOException;

/**
 * {@link TokenExchangeInterceptor} refused to send a routed request, or to hand back its response,
 * because the exchanged token could not be put on it safely:
 * <ul>
 * <li>the request itself carries the incoming subject token in a header, or the exchange returned
 *     the incoming token unchanged (either would forward the user's token upstream);</li>
 * <li>a route that uses a custom header runs on a client without the network half that
 *     {@link TokenExchangeInterceptor.Builder#installOn(okhttp3.OkHttpClient.Builder)} adds (the
 *     request went out without the exchanged token; the response is discarded);</li>
 * <li>the interceptor was added as a network interceptor instead of an application one;</li>
 * <li>a route's actor token supplier failed or returned no token.</li>
 * </ul>
 * The message names the header or route, never a token.
 */
public final class TokenInjectionException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Thrown by Baton's interceptor; public so that its implementation package can raise it.
     *
     * @param message what was refused, naming the header or route and never a token
     */
    public TokenInjectionException(String message) {
        super(message);
    }
}
