package dev.baton.spring.boot.internal;

import dev.baton.ValidatedToken;
import dev.baton.spring.boot.BatonAuthentication;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The validated token of Spring Security's current {@link BatonAuthentication}; loaded only with Spring Security. Not API. */
final class SecurityUser {
    private SecurityUser() {
    }

    static Optional<ValidatedToken> find() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof BatonAuthentication baton && baton.isAuthenticated()
                ? Optional.of(baton.getToken()) : Optional.empty();
    }
}
