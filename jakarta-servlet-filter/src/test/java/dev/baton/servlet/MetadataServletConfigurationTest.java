package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@link ProtectedResourceMetadataServlet} declared in {@code web.xml} is configured from its own
 * init parameters, the filter's names, and refuses an incomplete configuration with a message naming it.
 */
class MetadataServletConfigurationTest {

    static ServletConfig config(Map<String, String> parameters) {
        return new DeclaredConfig("metadata", parameters);
    }

    static Map<String, String> parameters(String... pairs) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            p.put(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    @Test
    void theFiltersInitParametersConfigureTheServletAsTheyAre() {
        assertThatNoException().isThrownBy(() -> new ProtectedResourceMetadataServlet()
                .init(config(InitParameterErrorsTest.valid())));
    }

    @Test
    void authorizationServersStandInForTheIssuerAndNoAudienceIsNeeded() {
        assertThatNoException().isThrownBy(() -> new ProtectedResourceMetadataServlet().init(config(parameters(
                "resource", "https://mcp.example.com/mcp",
                "authorization-servers", "https://idp.example.com/oauth2/mcp"))));
    }

    @Test
    void missingResourceIsNamed() {
        assertThatThrownBy(() -> new ProtectedResourceMetadataServlet().init(config(parameters(
                "issuer", "https://idp.example.com/oauth2/mcp"))))
                .isInstanceOf(ServletException.class)
                .hasMessageContainingAll("ProtectedResourceMetadataServlet 'metadata'", "'resource' is required");
    }

    @Test
    void missingIssuerWithoutAuthorizationServersIsNamed() {
        assertThatThrownBy(() -> new ProtectedResourceMetadataServlet().init(config(parameters(
                "resource", "https://mcp.example.com/mcp"))))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("'issuer' is required");
    }

    @Test
    void misspeltParameterIsRefused() {
        Map<String, String> p = InitParameterErrorsTest.valid();
        p.put("resource-names", "Countries");

        assertThatThrownBy(() -> new ProtectedResourceMetadataServlet().init(config(p)))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("unknown init parameter 'resource-names'");
    }

    @Test
    void invalidRequiredScopeIsRefused() {
        Map<String, String> p = InitParameterErrorsTest.valid();
        p.put("required-scopes", "a\"b");

        assertThatThrownBy(() -> new ProtectedResourceMetadataServlet().init(config(p)))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("scope token");
    }
}
