package dev.baton.examples.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.client.OAuthSignIn.Discovery;
import dev.baton.examples.client.OAuthSignIn.Tokens;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MCP client's sign-in: scope selection, and the failures it reports. */
class OAuthSignInTest {
    private static final URI RESOURCE = URI.create("http://127.0.0.1:1/mcp");
    private static final URI REDIRECT = URI.create(EmbeddedAuthorizationServer.SIGN_IN_REDIRECT_URI);
    private static EmbeddedAuthorizationServer as;
    private final OAuthSignIn oauth = new OAuthSignIn();

    @BeforeAll
    static void start() {
        as = EmbeddedAuthorizationServer.start();
    }

    @AfterAll
    static void stop() {
        as.close();
    }

    @Test
    void challengeScopeIsAskedForWithOfflineAccessWhenTheServerListsIt() {
        Discovery discovery = discovery(List.of("mcp:tools:call", "other:scope"), "mcp:tools:call offline_access");

        assertThat(OAuthSignIn.scopeToRequest("mcp:tools:call", discovery)).isEqualTo("mcp:tools:call offline_access");
    }

    @Test
    void resourceScopesAreAskedForWhenTheChallengeHasNone() {
        Discovery discovery = discovery(List.of("mcp:tools:call", "other:scope"), "mcp:tools:call");

        assertThat(OAuthSignIn.scopeToRequest(null, discovery)).isEqualTo("mcp:tools:call other:scope");
    }

    @Test
    void refusedAuthorizationIsReportedWithItsError() throws Exception {
        Discovery discovery = oauth.discover(RESOURCE, List.of(), URI.create(as.issuer("mcp")));

        Throwable failure = catchThrowable(() -> oauth.signIn(discovery, "vscode", REDIRECT, "admin:everything", "alice"));

        assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("invalid_scope");
    }

    @Test
    void metadataNamingAnotherIssuerIsRefused() {
        Throwable failure = catchThrowable(() -> oauth.discover(RESOURCE, List.of(), URI.create(as.issuer("mcp") + "/")));

        assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("names another issuer");
    }

    @Test
    void tokensNeverShowThemselves() throws Exception {
        Discovery discovery = oauth.discover(RESOURCE, List.of(), URI.create(as.issuer("mcp")));

        Tokens tokens = oauth.signIn(discovery, "vscode", REDIRECT, "mcp:tools:call offline_access", "alice");

        assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken())
                .contains("mcp:tools:call");
    }

    private static Discovery discovery(List<String> resourceScopes, String issuerScopes) {
        AuthorizationServerMetadata metadata = new AuthorizationServerMetadata(new Issuer("http://127.0.0.1:1/mcp"));
        metadata.setScopes(Scope.parse(issuerScopes));
        return new Discovery(RESOURCE, resourceScopes, metadata);
    }
}
