package dev.baton.spring.boot.internal;

import dev.baton.ValidatedToken;
import dev.baton.servlet.BearerTokenFilter;
import dev.baton.spring.boot.BatonAuthentication;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * Runs right after Baton's filter and makes the user it validated a {@link BatonAuthentication} in
 * Spring Security's {@code SecurityContext}, two ways: saved in the request-attribute
 * {@code SecurityContextRepository}, which Spring Security's filter chain loads by default (so its
 * authorization rules see an authenticated user), and set on the serving thread for the rest of
 * the chain (so method security such as {@code @PreAuthorize} works even without a filter chain).
 * The previous context is restored afterwards. Requests without a validated token pass untouched.
 * Not API.
 */
public final class SecurityContextFilter implements Filter {
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
    private final RequestAttributeSecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ValidatedToken user = BearerTokenFilter.validatedToken(request);
        if (user == null || !(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
            chain.doFilter(request, response);
            return;
        }
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(new BatonAuthentication(user));
        repository.saveContext(context, req, resp);
        SecurityContext previous = holder.getContext();
        holder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            holder.setContext(previous);
        }
    }
}
