package dev.baton.servlet.internal;

import dev.baton.ValidatedToken;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * The request as the application sees it after the filter accepted its token: a view of the
 * {@linkplain TokenHandOff#ATTRIBUTE token attribute}, whose subject {@link #getUserPrincipal()}
 * names. Not API.
 */
final class AuthenticatedRequest extends HttpServletRequestWrapper {
    private final ServletResponse response;

    /**
     * @param request the request the filter received, carrying the token attribute
     * @param response the response the filter passes down the chain, for {@link #startAsync()}
     */
    AuthenticatedRequest(HttpServletRequest request, ServletResponse response) {
        super(request);
        this.response = response;
    }

    /** The {@code sub} of the token attribute, or {@code null} for a token without one. */
    @Override
    public Principal getUserPrincipal() {
        ValidatedToken token = TokenHandOff.of(this);
        String subject = token == null ? null : token.subject();
        return subject == null ? null : new SubjectPrincipal(subject);
    }

    /** Same as {@code getUserPrincipal().getName()}. */
    @Override
    public String getRemoteUser() {
        Principal principal = getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    /**
     * {@code "DPoP"} for a DPoP-bound token with its proof (RFC 9449 §7.1), otherwise {@code "Bearer"}:
     * the request was authenticated with an RFC 6750 bearer token.
     */
    @Override
    public String getAuthType() {
        return TokenHandOff.isDPoP(this) ? "DPoP" : "Bearer";
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
