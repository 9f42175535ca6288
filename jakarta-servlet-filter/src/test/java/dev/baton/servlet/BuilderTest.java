package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.BearerError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BearerTokenFilter.Builder} fails fast on configuration that could not work as intended. */
class BuilderTest {
    static final TokenValidator REJECT_ALL = (token, context) -> {
        throw new TokenValidationException(BearerError.INVALID_TOKEN, "no");
    };

    static BearerTokenFilter.Builder builder() {
        return BearerTokenFilter.builder(REJECT_ALL).resource("https://mcp.example.com/mcp")
                .authorizationServers("https://idp.example.com/oauth2/mcp");
    }

    @Test
    void buildsWithResourceAndAuthorizationServer() {
        assertThatNoException().isThrownBy(() -> builder().build());
    }

    @Test
    void metadataUrlIsThePathInsertedWellKnownUrlOfTheResource() {
        assertThat(builder().metadata().url())
                .isEqualTo("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
    }

    @Test
    void secondResourceReplacesTheFirst() {
        assertThat(builder().resource("https://api.example.com/v2").metadata().url())
                .isEqualTo("https://api.example.com/.well-known/oauth-protected-resource/v2");
    }

    @Test
    void metadataServletRequiresAResource() {
        assertThatThrownBy(() -> BearerTokenFilter.builder(REJECT_ALL)
                .authorizationServers("https://idp.example.com/oauth2/mcp").buildMetadataServlet())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("resource");
    }

    @Test
    void metadataServletRequiresAnAuthorizationServer() {
        assertThatThrownBy(() -> BearerTokenFilter.builder(REJECT_ALL).resource("https://mcp.example.com/mcp")
                .buildMetadataServlet())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("authorizationServers");
    }

    @Test
    void requiresAResource() {
        assertThatThrownBy(() -> BearerTokenFilter.builder(REJECT_ALL)
                .authorizationServers("https://idp.example.com/oauth2/mcp").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("resource");
    }

    @Test
    void requiresAnAuthorizationServer() {
        assertThatThrownBy(() -> BearerTokenFilter.builder(REJECT_ALL).resource("https://mcp.example.com/mcp").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("authorizationServers");
    }

    @Test
    void refusesResourceWithFragmentOrQuery() {
        assertThatThrownBy(() -> builder().resource("https://mcp.example.com/mcp#x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().resource("https://mcp.example.com/mcp?tenant=a"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesPlainHttpResourceOffLoopback() {
        assertThatThrownBy(() -> builder().resource("http://mcp.example.com/mcp"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    }

    @Test
    void acceptsPlainHttpResourceOnLoopback() {
        assertThatNoException().isThrownBy(() -> builder().resource("http://127.0.0.1:8080/mcp").build());
        assertThatNoException().isThrownBy(() -> builder().resource("http://localhost:8080/mcp").build());
    }

    @Test
    void refusesRelativeResource() {
        assertThatThrownBy(() -> builder().resource("/mcp")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesScopeWithQuoteOrSpace() {
        assertThatThrownBy(() -> builder().requireScopes("/mcp/*", "a\"b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().scopesSupported("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesScopeRuleWithoutScopes() {
        assertThatThrownBy(() -> builder().requireScopes("/mcp/*")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesPathPatternsThatAreNotServletStyle() {
        assertThatThrownBy(() -> builder().openPaths("health")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().openPaths("/*.css")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().requireScopes("/a/*/b", "s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTokenLengthOutOfRange() {
        assertThatThrownBy(() -> builder().maxTokenLength(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().maxTokenLength(2_000_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokenLengthRangeIsTheValidators() {
        assertThatThrownBy(() -> builder().maxTokenLength(255)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256").hasMessageContaining("65536");
        assertThatThrownBy(() -> builder().maxTokenLength(65537)).isInstanceOf(IllegalArgumentException.class);
        assertThatNoException().isThrownBy(() -> builder().maxTokenLength(256).build());
        assertThatNoException().isThrownBy(() -> builder().maxTokenLength(65536).build());
        assertThatNoException().isThrownBy(() -> TokenValidator.builder().issuer("https://idp.example.com")
                .audience("a").maxTokenLength(256).maxTokenLength(65536).build().close());
    }

    @Test
    void refusesPlainHttpOnHostNamesThatOnlyLookLikeLoopback() {
        for (String host : List.of("127.evil.example", "127.0.0.1.evil.example", "127.0.0.256", "localhost.evil.example")) {
            assertThatThrownBy(() -> builder().resource("http://" + host + "/mcp")).as(host)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> builder().authorizationServers("http://" + host)).as(host)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void acceptsPlainHttpOnLoopbackLiterals() {
        assertThatNoException().isThrownBy(() -> builder().resource("http://127.1.2.3:8080/mcp").build());
        assertThatNoException().isThrownBy(() -> builder().resource("http://[::1]:8080/mcp").build());
        assertThatNoException().isThrownBy(() -> builder().authorizationServers("http://127.0.0.1:9000/oauth2").build());
    }

    @Test
    void refusesCorsOriginWithPath() {
        assertThatThrownBy(() -> builder().corsAllowedOrigins("https://app.example.com/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNonHttpDocumentationUrl() {
        assertThatThrownBy(() -> builder().resourceDocumentation("javascript:alert(1)"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
