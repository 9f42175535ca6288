package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.AuditListener;
import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filter in front of an application that answers asynchronously, as MCP Streamable HTTP
 * servers do, registered as the README registers it ({@code async-supported} true) and mapped for
 * {@code REQUEST} and {@code ASYNC} dispatches, in Jetty 12 and Tomcat 11.
 */
@ClassTemplate
class AsyncTest {
    static final String ISSUER = "https://idp.example.com/oauth2/mcp";
    static final AtomicInteger VALIDATIONS = new AtomicInteger();

    /** Accepts {@code alice-token}, counting calls. */
    static final TokenValidator SCRIPTED = (token, context) -> {
        VALIDATIONS.incrementAndGet();
        if ("alice-token".equals(token)) {
            return ValidatedToken.of(token, Map.of("sub", "alice", "iss", ISSUER, "aud", "mcpserver",
                    "scope", "mcp:tools:call"));
        }
        throw new TokenValidationException(BearerError.INVALID_TOKEN, "The token was not accepted.");
    };

    @RegisterExtension
    static final Containers containers = Containers.deploying(() -> Containers.Setup.of(
            List.of(filter()), null, new AsyncServlet()).dispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC));

    Containers.Running server;
    AsyncServlet app;

    static BearerTokenFilter filter() {
        return BearerTokenFilter.builder(SCRIPTED)
                .resource("http://127.0.0.1/mcp")
                .authorizationServers(ISSUER)
                .requireScopes("/mcp/*", "mcp:tools:call")
                .openPaths("/open/*")
                .auditListener(AuditListener.none())
                .build();
    }

    @BeforeEach
    void reset() {
        server = containers.server();
        app = containers.servlet(AsyncServlet.class);
        app.reset();
        VALIDATIONS.set(0);
    }

    @Test
    void asyncResponseCompletedFromAnotherThreadReachesTheClient() {
        HttpResponse<String> r = Http.get(server.uri("/mcp/respond"), "Authorization", "Bearer alice-token");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("async");
        assertThat(app.startAsyncFailure).hasValue(null);
    }

    @Test
    void asyncContextRequestStillNamesTheSubject() {
        Http.get(server.uri("/mcp/respond"), "Authorization", "Bearer alice-token");

        assertThat(app.asyncPrincipal).hasValue("alice");
        assertThat(app.asyncAttribute.get().subject()).isEqualTo("alice");
    }

    @Test
    void asyncDispatchOfAnAcceptedRequestBindsTheTokenAgainWithoutRevalidating() {
        HttpResponse<String> r = Http.get(server.uri("/mcp/dispatch"), "Authorization", "Bearer alice-token");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("dispatched");
        assertThat(app.asyncDispatches).hasValue(1);
        assertThat(app.dispatchAttribute.get().subject()).isEqualTo("alice");
        assertThat(app.dispatchBound.get()).isSameAs(app.dispatchAttribute.get());
        assertThat(app.dispatchPrincipal).hasValue("alice");
        assertThat(VALIDATIONS).hasValue(1);
    }

    @Test
    void asyncDispatchFromAnOpenPathToAProtectedPathWithoutTokenIsChallenged() {
        HttpResponse<String> r = Http.get(server.uri("/open/dispatch-to-mcp"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.bearerParams(r.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsKey("resource_metadata");
        assertThat(app.requests).hasValue(1);
        assertThat(app.asyncDispatches).hasValue(0);
    }

    @Test
    void asyncDispatchFromAnOpenPathToAProtectedPathValidatesTheToken() {
        HttpResponse<String> r = Http.get(server.uri("/open/dispatch-to-mcp"), "Authorization", "Bearer alice-token");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(VALIDATIONS).hasValue(1);
        assertThat(app.dispatchBound.get().subject()).isEqualTo("alice");
    }

    @Test
    void filterRegisteredWithoutAsyncSupportMakesStartAsyncFail() {
        AsyncServlet plain = new AsyncServlet();
        try (Containers.Running unsupported = containers.start(
                Containers.Setup.of(List.of(filter()), null, plain).filterAsync(false))) {

            HttpResponse<String> r = Http.get(unsupported.uri("/mcp/respond"), "Authorization", "Bearer alice-token");

            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(plain.startAsyncFailure.get()).isInstanceOf(IllegalStateException.class);
        }
    }
}
