package dev.baton.spring.boot;

import dev.baton.ValidatedToken;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The user Baton's filter validated, as a Spring Security {@code Authentication}: what the starter
 * puts in the {@code SecurityContext} when Spring Security is present, so that
 * {@code @PreAuthorize("hasAuthority('SCOPE_countries:details')")} works on tool methods and
 * controllers.
 *
 * <p>The principal is the {@link ValidatedToken}; the name its subject; one authority
 * {@code SCOPE_<scope>} per granted scope, as Spring Security's own resource server names them.
 * There are no credentials: the raw token stays in the {@code ValidatedToken}, whose
 * {@code toString()}, like this one's, never shows it.
 */
public final class BatonAuthentication extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    private final transient ValidatedToken token;

    /**
     * An authenticated {@code Authentication} for {@code token}.
     *
     * @param token a token Baton validated
     */
    public BatonAuthentication(ValidatedToken token) {
        super(authorities(Objects.requireNonNull(token, "token")));
        this.token = token;
        setAuthenticated(true);
    }

    private static Collection<GrantedAuthority> authorities(ValidatedToken token) {
        return List.copyOf(token.scopes().stream().map(s -> (GrantedAuthority) new SimpleGrantedAuthority("SCOPE_" + s))
                .toList());
    }

    /** @return the validated token */
    public ValidatedToken getToken() {
        return token;
    }

    /** @return the validated token */
    @Override
    public Object getPrincipal() {
        return token;
    }

    /** @return {@code null}: the raw token is never exposed as credentials */
    @Override
    public Object getCredentials() {
        return null;
    }

    /** @return the token's subject */
    @Override
    public String getName() {
        return token.subject();
    }
}
