package dev.baton.servlet.internal;

import dev.baton.ValidatedToken;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * The request as the application sees it after the filter accepted its token:
 * {@link #getUserPrincipal()} names the token's subject. Not API.
 */
public final class AuthenticatedRequest extends HttpServletRequestWrapper {
    private final ServletResponse response;
    private final Principal principal;

    /**
     * @param request the request the filter received
     * @param response the response the filter passes down the chain, for {@link #startAsync()}
     * @param token the accepted token
     */
    public AuthenticatedRequest(HttpServletRequest request, ServletResponse response, ValidatedToken token) {
        super(request);
        this.response = response;
        String subject = token.subject();
        this.principal = subject == null ? null : new SubjectPrincipal(subject);
    }

    /** The token's {@code sub}, or {@code null} for a token without one. */
    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    /** Same as {@code getUserPrincipal().getName()}. */
    @Override
    public String getRemoteUser() {
        return principal == null ? null : principal.getName();
    }

    /** {@code "Bearer"}: the request was authenticated with an RFC 6750 bearer token. */
    @Override
    public String getAuthType() {
        return "Bearer";
    }

    /**
     * Starts asynchronous processing with this request: the no-argument form would hand the
     * container's own request to {@link AsyncContext#getRequest()} (Servlet 6.1 §2.3.3.3), whose
     * {@code getUserPrincipal()} knows nothing of the token, so SSE and other async code would
     * lose the caller's identity. When some filter or servlet of the chain does not support
     * asynchronous processing, the container's own refusal is kept (an {@link IllegalStateException}).
     */
    @Override
    public AsyncContext startAsync() {
        if (!isAsyncSupported()) {
            // Jetty guards only the no-argument form in its wrappers for such filters: let it refuse.
            return super.startAsync();
        }
        return startAsync(this, response);
    }

    private record SubjectPrincipal(String getName) implements Principal {
    }
}
