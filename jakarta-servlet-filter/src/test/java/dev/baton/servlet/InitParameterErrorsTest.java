package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link BearerTokenFilter#init(FilterConfig)} refuses incomplete or wrong configuration with a message naming it. */
class InitParameterErrorsTest {

    static Map<String, String> valid() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("issuer", "https://idp.example.com/oauth2/mcp");
        p.put("audience", "mcpserver");
        p.put("resource", "https://mcp.example.com/mcp");
        return p;
    }

    static FilterConfig config(Map<String, String> parameters) {
        return new DeclaredConfig("baton", parameters);
    }

    static void assertInitFails(Map<String, String> parameters, String... messageParts) {
        assertThatThrownBy(() -> new BearerTokenFilter().init(config(parameters)))
                .isInstanceOf(ServletException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void validMinimalParametersInitialise() throws ServletException {
        BearerTokenFilter filter = new BearerTokenFilter();
        filter.init(config(valid()));
        filter.destroy();
    }

    @Test
    void missingIssuerIsNamed() {
        Map<String, String> p = valid();
        p.remove("issuer");
        assertInitFails(p, "baton", "'issuer' is required");
    }

    @Test
    void missingAudienceIsNamed() {
        Map<String, String> p = valid();
        p.remove("audience");
        assertInitFails(p, "'audience' is required");
    }

    @Test
    void missingResourceIsNamed() {
        Map<String, String> p = valid();
        p.remove("resource");
        assertInitFails(p, "'resource' is required");
    }

    @Test
    void misspeltParameterIsRefused() {
        Map<String, String> p = valid();
        p.put("required-scope", "mcp:tools:call");
        assertInitFails(p, "unknown init parameter 'required-scope'");
    }

    @Test
    void pathScopeRuleWithoutEqualsIsRefused() {
        Map<String, String> p = valid();
        p.put("path-scopes", "/mcp/* mcp:tools:call");
        assertInitFails(p, "path-scopes");
    }

    @Test
    void nonNumericTokenLengthIsRefused() {
        Map<String, String> p = valid();
        p.put("max-token-length", "lots");
        assertInitFails(p, "max-token-length", "lots");
    }

    @Test
    void plainHttpResourceOffLoopbackIsRefused() {
        Map<String, String> p = valid();
        p.put("resource", "http://mcp.example.com/mcp");
        assertInitFails(p, "resource must use https");
    }

    @Test
    void hmacAlgorithmIsRefused() {
        Map<String, String> p = valid();
        p.put("allowed-algorithms", "HS256");
        assertInitFails(p, "HS256");
    }

    @Test
    void unknownDPoPPolicyIsNamed() {
        Map<String, String> p = valid();
        p.put("dpop", "sometimes");
        assertInitFails(p, "'dpop'", "bearer-only, accepted or required");
    }

    @Test
    void dpopNonceMustBeABoolean() {
        Map<String, String> p = valid();
        p.put("dpop-nonce", "yes");
        assertInitFails(p, "'dpop-nonce'", "true or false");
    }

    @Test
    void hmacDPoPAlgorithmIsRefused() {
        Map<String, String> p = valid();
        p.put("dpop", "accepted");
        p.put("dpop-algorithms", "ES256 HS256");
        assertInitFails(p, "HS256");
    }

    @Test
    void externalBaseUrlWithAQueryIsRefused() {
        Map<String, String> p = valid();
        p.put("dpop", "accepted");
        p.put("external-base-url", "https://mcp.example.com/?x=1");
        assertInitFails(p, "external base URL");
    }

    @Test
    void dpopProofMaxAgeOutOfRangeIsNamed() {
        Map<String, String> p = valid();
        p.put("dpop-proof-max-age-seconds", "3600");
        assertInitFails(p, "DPoP proof max age");
    }
}
