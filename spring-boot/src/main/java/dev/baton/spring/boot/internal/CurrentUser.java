package dev.baton.spring.boot.internal;

import dev.baton.ThreadBoundToken;
import dev.baton.ValidatedToken;
import dev.baton.servlet.BearerTokenFilter;
import java.util.Optional;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The user whose token an outgoing call exchanges, looked up in this order:
 * <ol>
 * <li>{@link ThreadBoundToken}: bound by Baton's filter on the thread serving the request, by the
 *     MCP tool wrapper around each sync tool call, or by the application on its own threads — the
 *     most specific hand-off wins;</li>
 * <li>the validated token of the current servlet request ({@link BearerTokenFilter#validatedToken}),
 *     found through Spring's {@link RequestContextHolder} (also set on threads where Spring MVC
 *     exposes the request);</li>
 * <li>the {@code Authentication} in Spring Security's {@code SecurityContextHolder}, when it is
 *     Baton's ({@code BatonAuthentication}, which carries the validated token).</li>
 * </ol>
 * None of them → no user: the caller refuses to send the routed request (fail closed); the incoming
 * token is never a fallback. Not API.
 */
public final class CurrentUser {
    private static final boolean WEB = ClassUtils.isPresent(
            "org.springframework.web.context.request.RequestContextHolder", CurrentUser.class.getClassLoader());
    private static final boolean SECURITY = ClassUtils.isPresent(
            "org.springframework.security.core.context.SecurityContextHolder", CurrentUser.class.getClassLoader());

    private CurrentUser() {
    }

    /** The current user, as the class description orders the sources. */
    public static Optional<ValidatedToken> find() {
        Optional<ValidatedToken> bound = ThreadBoundToken.current();
        if (bound.isPresent()) {
            return bound;
        }
        if (WEB) {
            RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
            if (attributes instanceof ServletRequestAttributes servlet) {
                ValidatedToken token = BearerTokenFilter.validatedToken(servlet.getRequest());
                if (token != null) {
                    return Optional.of(token);
                }
            }
        }
        return SECURITY ? SecurityUser.find() : Optional.empty();
    }
}
