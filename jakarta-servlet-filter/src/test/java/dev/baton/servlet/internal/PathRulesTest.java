package dev.baton.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a path needs: nothing when open, else the validator's scopes and those of every matching rule. */
class PathRulesTest {

    @Test
    void openPathNeedsNoToken() {
        PathRules.Builder b = PathRules.builder();
        b.open("/health");

        assertThat(b.build(Set.of()).isOpen("/health")).isTrue();
        assertThat(b.build(Set.of()).isOpen("/mcp")).isFalse();
    }

    @Test
    void everyMatchingRuleAddsItsScopesInConfiguredOrder() {
        PathRules.Builder b = PathRules.builder();
        b.requireScopes("/*", "read");
        b.requireScopes("/mcp/*", "mcp:tools:call", "read");
        b.requireScopes("/admin/*", "admin");

        PathRules.Scopes scopes = b.build(Set.of("base")).scopesFor("/mcp/tools");

        assertThat(scopes.pathRequired()).containsExactly("read", "mcp:tools:call");
        assertThat(scopes.advertised()).containsExactly("base", "read", "mcp:tools:call");
    }

    @Test
    void allScopesAreTheValidatorsThenEveryRulesInOrder() {
        PathRules.Builder b = PathRules.builder();
        b.requireScopes("/mcp/*", "mcp:tools:call");
        b.requireScopes("/admin/*", "admin", "base");

        assertThat(b.allScopes(Set.of("base"))).containsExactly("base", "mcp:tools:call", "admin");
    }

    @Test
    void ruleWithoutScopesIsRefused() {
        assertThatThrownBy(() -> PathRules.builder().requireScopes("/mcp/*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no scopes given for /mcp/*");
    }

    @Test
    void ruleScopeMustBeAScopeToken() {
        assertThatThrownBy(() -> PathRules.builder().requireScopes("/mcp/*", "a b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scope token");
    }
}
