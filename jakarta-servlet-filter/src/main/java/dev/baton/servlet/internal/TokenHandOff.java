package dev.baton.servlet.internal;

import dev.baton.ThreadBoundToken;
import dev.baton.ValidatedToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Hands an accepted token to the application. The request attribute {@value #ATTRIBUTE} is the
 * one hand-off; the two other ways of reaching the token are views of it: the request passed down
 * the chain derives {@code getUserPrincipal()} from the attribute ({@link AuthenticatedRequest}),
 * and {@link ThreadBoundToken} holds the attribute's token while the rest of the chain runs on this
 * thread. Request attributes cannot be set by a client, so a token found there was put there by
 * the filter. Not API.
 */
public final class TokenHandOff {
    /** The request attribute that holds the accepted {@link ValidatedToken}. */
    public static final String ATTRIBUTE = "dev.baton.servlet.ValidatedToken";
    /** The request attribute set to {@code true} when the token came with the {@code DPoP} scheme. */
    static final String DPOP_ATTRIBUTE = "dev.baton.servlet.DPoP";

    private TokenHandOff() {
    }

    /** The token the filter accepted for {@code request}, or {@code null}. */
    public static ValidatedToken of(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof ValidatedToken token ? token : null;
    }

    /** Whether the token the filter accepted for {@code request} came with the {@code DPoP} scheme (RFC 9449 §7.1). */
    public static boolean isDPoP(ServletRequest request) {
        return Boolean.TRUE.equals(request.getAttribute(DPOP_ATTRIBUTE));
    }

    /**
     * Stores {@code token} on the request and runs the rest of the chain with the request's
     * principal and the thread's binding derived from it. The binding is undone when the chain
     * returns or throws, on this thread (a pooled thread must not carry one user's token into the
     * next request).
     */
    public static void continueChain(ValidatedToken token, HttpServletRequest request, HttpServletResponse response,
            FilterChain chain) throws IOException, ServletException {
        continueChain(token, false, request, response, chain);
    }

    /** As {@link #continueChain(ValidatedToken, HttpServletRequest, HttpServletResponse, FilterChain)}, recording the scheme. */
    public static void continueChain(ValidatedToken token, boolean dpop, HttpServletRequest request,
            HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        request.setAttribute(ATTRIBUTE, token);
        if (dpop) {
            request.setAttribute(DPOP_ATTRIBUTE, Boolean.TRUE);
        } else {
            request.removeAttribute(DPOP_ATTRIBUTE);
        }
        AuthenticatedRequest authenticated = new AuthenticatedRequest(request, response);
        ThreadBoundToken.Binding binding = ThreadBoundToken.bind(of(authenticated));
        try {
            chain.doFilter(authenticated, response);
        } finally {
            binding.close();
        }
    }
}
