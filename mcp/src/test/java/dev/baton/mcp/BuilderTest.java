package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder fails fast, naming the setting. */
class BuilderTest {
    static final TokenValidator REFUSE_ALL = (token, context) -> {
        throw new TokenValidationException(BearerError.INVALID_TOKEN, "no");
    };

    @Test
    void buildWithoutAResourceIsRefused() {
        assertThatThrownBy(() -> McpAuthorizationFilter.builder(REFUSE_ALL).authorizationServers("https://idp.example")
                .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("resource");
    }

    @Test
    void offlineAccessIsNeverARequiredScope() {
        assertThatThrownBy(() -> builder().requireToolScopes("t", "offline_access"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offline_access");
        assertThatThrownBy(() -> builder().requireMethodScopes("resources/read", "offline_access"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toolRuleNeedsANameAndScopeTokens() {
        assertThatThrownBy(() -> builder().requireToolScopes("", "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().requireToolScopes("t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no scopes");
        assertThatThrownBy(() -> builder().requireToolScopes("t", "two words"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scope token");
    }

    @Test
    void bodyLimitIsBounded() {
        assertThatThrownBy(() -> builder().maxRequestBodySize(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max request body size");
        assertThatThrownBy(() -> builder().maxRequestBodySize(128 * 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void originsMustBeOrigins() {
        assertThatThrownBy(() -> builder().allowedOrigins("https://app.example/"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpointMustBeAPath() {
        assertThatThrownBy(() -> builder().mcpEndpoint("mcp")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sessionBoundsMustBePositive() {
        assertThatThrownBy(() -> builder().sessionBindings(0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().sessionBindings(10, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metadataServletServesTheSameConfiguration() {
        assertThat(builder().requireToolScopes("t", "s").buildMetadataServlet()).isNotNull();
    }

    private static McpAuthorizationFilter.Builder builder() {
        return McpAuthorizationFilter.builder(REFUSE_ALL).resource("https://mcp.example.com/mcp")
                .authorizationServers("https://idp.example");
    }
}
