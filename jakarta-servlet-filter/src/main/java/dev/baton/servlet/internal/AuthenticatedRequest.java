package dev.baton.servlet.internal;

import dev.baton.ValidatedToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * The request as the application sees it after the filter accepted its token:
 * {@link #getUserPrincipal()} names the token's subject. Not API.
 */
public final class AuthenticatedRequest extends HttpServletRequestWrapper {
    private final Principal principal;

    public AuthenticatedRequest(HttpServletRequest request, ValidatedToken token) {
        super(request);
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

    private record SubjectPrincipal(String getName) implements Principal {
    }
}
