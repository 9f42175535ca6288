package dev.baton.okhttp;

import java.io.IOException;

/**
 * {@link TokenExchangeInterceptor} refused to send a routed request, or to hand back its response,
 * because the exchanged token could not be put on it safely: the request itself carries the
 * incoming subject token in a header (that would forward the user's token upstream), or a route
 * that uses a custom header runs on a client without {@link TokenExchangeInterceptor#networkInterceptor()}.
 * The message names the header, never a token.
 */
public final class TokenInjectionException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what was refused, without any token */
    public TokenInjectionException(String message) {
        super(message);
    }
}
