package dev.baton.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Core's https-or-loopback rule plus this module's one addition: no query in a resource or issuer. */
class WebUrlsTest {

    @Test
    void httpsUrlIsAccepted() {
        assertThat(WebUrls.requireSecureWithoutQuery("https://mcp.example.com/mcp", "resource"))
                .hasToString("https://mcp.example.com/mcp");
    }

    @Test
    void plainHttpOffLoopbackIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> WebUrls.requireSecureWithoutQuery("http://mcp.example.com/mcp", "resource"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("resource must use https");
    }

    @Test
    void queryIsRefused() {
        assertThatThrownBy(() -> WebUrls.requireSecureWithoutQuery("https://mcp.example.com/mcp?t=a", "resource"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not have a query");
    }

    @Test
    void userInfoIsRefusedWithoutBeingShown() {
        assertThatThrownBy(() -> WebUrls.requireSecureWithoutQuery("https://alice:hunter2@idp.example.com", "issuer"))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("hunter2");
        assertThatThrownBy(() -> WebUrls.requireSecureWithoutQuery("http://alice:hunter2@idp.example.com", "issuer"))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("hunter2");
    }

    @Test
    void webPageMustBeHttpOrHttps() {
        assertThat(WebUrls.requireWebPage("http://docs.example.com/mcp", "documentation"))
                .hasToString("http://docs.example.com/mcp");
        assertThatThrownBy(() -> WebUrls.requireWebPage("javascript:alert(1)", "documentation"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)");
    }
}
