package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ClientAuthentication;
import dev.baton.TokenExchangeException;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import dev.baton.okhttp.TokenExchangeInterceptor;
import dev.baton.testkit.TestAuthorizationServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * A failed backend call as a tool result ({@code isError: true}) with a short, safe message, for
 * failures raised by the real {@link TokenExchangeInterceptor}.
 */
class ToolErrorsTest {
    @StartStop
    final MockWebServer backend = new MockWebServer();
    @StartStop
    final MockWebServer backendIdpServer = new MockWebServer();

    @Test
    void refusedExchangeIsAnErrorResultAndNothingIsSentUpstream() throws Exception {
        TestAuthorizationServer backendIdp = new TestAuthorizationServer(backendIdpServer, "/oauth2/backend")
                .route("/v1/token", r -> TestAuthorizationServer.json(400,
                        "{\"error\":\"invalid_grant\",\"error_description\":\"subject token rejected\"}"));
        OkHttpClient http = client(backendIdp);
        ValidatedToken user = ValidatedToken.of("user-token-value", Map.of("sub", "alice", "iss", "https://idp.example"));

        CallToolResult result;
        try (Response ignored = http.newCall(request(user)).execute()) {
            throw new AssertionError("the call must fail");
        } catch (IOException e) {
            result = ToolErrors.backendFailure("countries backend", e);
        }

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo("Access to the countries backend was refused: the token exchange failed"
                + " (invalid_grant). Nothing was sent to it.");
        assertThat(text(result)).doesNotContain("user-token-value", "subject token rejected", "127.0.0.1");
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void unavailableAuthorizationServerIsAnErrorResultSayingTryLater() throws Exception {
        TestAuthorizationServer backendIdp = new TestAuthorizationServer(backendIdpServer, "/oauth2/backend")
                .route("/v1/token", r -> TestAuthorizationServer.json(503, "{\"error\":\"temporarily_unavailable\"}"));
        OkHttpClient http = client(backendIdp);
        ValidatedToken user = ValidatedToken.of("user-token-value", Map.of("sub", "alice", "iss", "https://idp.example"));

        CallToolResult result;
        try (Response ignored = http.newCall(request(user)).execute()) {
            throw new AssertionError("the call must fail");
        } catch (IOException e) {
            result = ToolErrors.backendFailure("countries backend", e);
        }

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("The countries backend is unavailable").contains("try again later");
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void clientSeesTheErrorResultOfAToolWhoseExchangeWasRefused() {
        TestAuthorizationServer backendIdp = new TestAuthorizationServer(backendIdpServer, "/oauth2/backend")
                .route("/v1/token", r -> TestAuthorizationServer.json(400, "{\"error\":\"invalid_target\"}"));
        OkHttpClient http = client(backendIdp);
        SyncToolSpecification lookup = SyncToolSpecification.builder()
                .tool(Tool.builder("lookup", Map.of("type", "object")).build())
                .callHandler((exchange, request) -> {
                    try (Response response = http.newCall(request(McpUser.require(exchange))).execute()) {
                        return CallToolResult.builder().addTextContent(response.body().string()).build();
                    } catch (IOException e) {
                        return ToolErrors.backendFailure("countries backend", e);
                    }
                })
                .build();
        try (McpTestServer server = McpTestServer.start(b -> { }, List.of(lookup), false)) {
            String alice = server.token("alice", "mcp:tools:call");

            HttpResponse<String> response = Raw.post(URI.create(server.endpoint()), alice, Raw.callTool("lookup"),
                    "Mcp-Session-Id", Raw.initialize(server, alice));

            assertThat(response.statusCode()).isEqualTo(200);
            Map<String, Object> result = jsonResult(response.body());
            assertThat(result).containsEntry("isError", true);
            assertThat(result.get("content").toString()).contains("invalid_target").doesNotContain(alice);
        }
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void timeoutIsAnErrorResultSayingSo() {
        CallToolResult result = ToolErrors.backendFailure("countries backend", new InterruptedIOException("timeout"));

        assertThat(text(result)).isEqualTo("The countries backend did not answer in time.");
    }

    @Test
    void otherFailureSaysUnreachableWithoutTheExceptionMessage() {
        CallToolResult result = ToolErrors.backendFailure("countries backend",
                new ConnectException("Failed to connect to internal-host.corp:8443"));

        assertThat(text(result)).isEqualTo("The countries backend is unreachable.");
    }

    @Test
    void errorCodeOutsideTheOAuthSyntaxIsLeftOut() {
        TokenExchangeException odd = new TokenExchangeException("refused", "bad\"code<script>", null, 400, false, null);

        assertThat(text(ToolErrors.backendFailure("api", new IOException("x", odd))))
                .isEqualTo("Access to the api was refused: the token exchange failed. Nothing was sent to it.");
    }

    @Test
    void blankBackendNameIsRefused() {
        assertThatThrownBy(() -> ToolErrors.backendFailure(" ", new IOException()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private OkHttpClient client(TestAuthorizationServer backendIdp) {
        TokenExchanger exchanger = TokenExchanger.builder()
                .tokenEndpoint(backendIdp.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "secret"))
                .maxAttempts(1)
                .deadline(Duration.ofSeconds(5))
                .build();
        return new OkHttpClient.Builder()
                .addInterceptor(TokenExchangeInterceptor.builder(exchanger)
                        .route(backend.url("/graphql").toString(), r -> r.audience("backend"))
                        .allowHttpOnLoopback()
                        .build())
                .callTimeout(Duration.ofSeconds(10))
                .build();
    }

    private Request request(ValidatedToken user) {
        backend.enqueue(new MockResponse.Builder().code(200).body("{}").build());
        return new Request.Builder().url(backend.url("/graphql")).tag(ValidatedToken.class, user).build();
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonResult(String body) {
        return (Map<String, Object>) Raw.json(body).get("result");
    }
}
