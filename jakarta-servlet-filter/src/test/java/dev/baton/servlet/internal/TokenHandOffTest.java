package dev.baton.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ThreadBoundToken;
import dev.baton.ValidatedToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The request attribute is the one hand-off of an accepted token; principal and thread binding are views of it. */
class TokenHandOffTest {
    static final ValidatedToken ALICE = ValidatedToken.of("alice-token", Map.of("sub", "alice"));
    static final ValidatedToken BOB = ValidatedToken.of("bob-token", Map.of("sub", "bob"));

    final HttpServletRequest request = FakeRequest.get().build();

    void continueChain(ValidatedToken token, FilterChain chain) throws Exception {
        TokenHandOff.continueChain(token, request, null, chain);
    }

    @Test
    void acceptedTokenIsTheRequestAttribute() throws Exception {
        continueChain(ALICE, (req, resp) -> { });

        assertThat(request.getAttribute(TokenHandOff.ATTRIBUTE)).isSameAs(ALICE);
        assertThat(TokenHandOff.of(request)).isSameAs(ALICE);
    }

    @Test
    void principalOfTheChainsRequestNamesTheAttributesSubject() throws Exception {
        AtomicReference<String> principal = new AtomicReference<>();
        AtomicReference<String> authType = new AtomicReference<>();

        continueChain(ALICE, (req, resp) -> {
            principal.set(((HttpServletRequest) req).getUserPrincipal().getName());
            authType.set(((HttpServletRequest) req).getAuthType());
        });

        assertThat(principal).hasValue("alice");
        assertThat(authType).hasValue("Bearer");
    }

    @Test
    void principalFollowsTheAttribute() throws Exception {
        AtomicReference<String> principal = new AtomicReference<>();

        continueChain(ALICE, (req, resp) -> {
            req.setAttribute(TokenHandOff.ATTRIBUTE, BOB);
            principal.set(((HttpServletRequest) req).getUserPrincipal().getName());
        });

        assertThat(principal).hasValue("bob");
    }

    @Test
    void tokenWithoutSubjectGivesNoPrincipal() throws Exception {
        AtomicReference<Principal> principal = new AtomicReference<>(() -> "unset");

        continueChain(ValidatedToken.of("anonymous", Map.of()), (req, resp) ->
                principal.set(((HttpServletRequest) req).getUserPrincipal()));

        assertThat(principal).hasValue(null);
    }

    @Test
    void threadIsBoundToTheAttributesTokenWhileTheChainRuns() throws Exception {
        AtomicReference<ValidatedToken> bound = new AtomicReference<>();

        continueChain(ALICE, (req, resp) -> bound.set(ThreadBoundToken.current().orElse(null)));

        assertThat(bound).hasValue(ALICE);
        assertThat(ThreadBoundToken.current()).isEmpty();
    }

    @Test
    void threadBindingIsUndoneWhenTheChainThrows() {
        assertThatThrownBy(() -> continueChain(ALICE, (req, resp) -> {
            throw new IllegalStateException("the application failed");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(ThreadBoundToken.current()).isEmpty();
    }

    @Test
    void requestWithoutTheAttributeHasNoToken() {
        ServletRequest plain = FakeRequest.get().build();

        assertThat(TokenHandOff.of(plain)).isNull();
    }
}
