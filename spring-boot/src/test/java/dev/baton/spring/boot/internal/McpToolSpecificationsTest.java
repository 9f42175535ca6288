package dev.baton.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ThreadBoundToken;
import dev.baton.TokenExchangeException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.mcp.McpUser;
import dev.baton.testkit.TestAuthorizationServer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** What the tool wrapper changes (the user on the thread, Baton's failures as safe tool errors) and what it leaves alone. */
class McpToolSpecificationsTest {
    private static final CallToolRequest CALL = CallToolRequest.builder("get_country").arguments(Map.of()).build();
    private static final String REFUSED = "Access to the countries backend was refused: the token exchange failed"
            + " (invalid_grant). Nothing was sent to it.";

    @StartStop
    final MockWebServer idpServer = new MockWebServer();

    private static SyncToolSpecification wrapped(BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
        Tool tool = Tool.builder("get_country", Map.of("type", "object")).build();
        @SuppressWarnings("unchecked")
        List<SyncToolSpecification> out = (List<SyncToolSpecification>) new McpToolSpecifications()
                .postProcessAfterInitialization(List.of(new SyncToolSpecification(tool, handler)), "toolSpecs");
        return out.get(0);
    }

    private static McpSyncServerExchange exchangeWith(McpTransportContext context) {
        return new McpSyncServerExchange(new McpAsyncServerExchange("session", null, null, null, context));
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }

    private static TokenExchangeException invalidGrant() {
        return new TokenExchangeException("refused by https://idp.internal.example/token", "invalid_grant", null, 400,
                false, null);
    }

    @Test
    void aResultIsReturnedUnchanged() {
        CallToolResult ok = CallToolResult.builder().addTextContent("Spain").build();
        assertThat(wrapped((exchange, call) -> ok).callHandler().apply(exchangeWith(McpTransportContext.EMPTY), CALL))
                .isSameAs(ok);
    }

    @Test
    void anUnrelatedFailureIsLeftToSpringAi() {
        IllegalArgumentException unrelated = new IllegalArgumentException("bad code");
        assertThatThrownBy(() -> wrapped((exchange, call) -> {
            throw unrelated;
        }).callHandler().apply(exchangeWith(McpTransportContext.EMPTY), CALL)).isSameAs(unrelated);
    }

    @Test
    void aCheckedBatonFailureIsASafeToolErrorNotAnException() {
        CallToolResult result = wrapped((exchange, call) -> {
            throw new UndeclaredThrowableException(new IOException("POST https://api.internal.example/graphql",
                    invalidGrant()));
        }).callHandler().apply(exchangeWith(McpTransportContext.EMPTY), CALL);
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo(REFUSED.replace("countries backend", "backend"));
    }

    @Test
    void anErrorResultAfterARecordedFailureGetsTheSafeMessageInsteadOfTheUrl() {
        CallToolResult result = wrapped((exchange, call) -> {
            ToolCallFailures.record("countries backend", invalidGrant());
            return CallToolResult.builder().isError(true)
                    .addTextContent("I/O error on GET request for \"https://api.internal.example/graphql\"").build();
        }).callHandler().apply(exchangeWith(McpTransportContext.EMPTY), CALL);
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo(REFUSED).doesNotContain("internal.example");
    }

    @Test
    void aRecordedFailureDoesNotLeakIntoTheNextToolCall() {
        wrapped((exchange, call) -> {
            ToolCallFailures.record("countries backend", invalidGrant());
            return CallToolResult.builder().addTextContent("recovered").build();
        }).callHandler().apply(exchangeWith(McpTransportContext.EMPTY), CALL);
        CallToolResult ownError = CallToolResult.builder().isError(true).addTextContent("No country has the code XX.")
                .build();
        assertThat(wrapped((exchange, call) -> ownError).callHandler().apply(exchangeWith(McpTransportContext.EMPTY),
                CALL)).isSameAs(ownError);
    }

    @Test
    void theToolRunsWithTheTransportContextsUserBoundToItsThread() throws Exception {
        TestAuthorizationServer idp = new TestAuthorizationServer(idpServer);
        ValidatedToken alice;
        try (TokenValidator validator = TokenValidator.builder().issuer(idp.issuer()).audience("mcpserver").build()) {
            alice = validator.validate(idp.token().subject("alice").audience("mcpserver").sign());
        }
        McpTransportContext context = McpTransportContext.create(Map.of(McpUser.CONTEXT_KEY, alice));
        CallToolResult result = wrapped((exchange, call) -> CallToolResult.builder()
                .addTextContent(ThreadBoundToken.current().map(ValidatedToken::subject).orElse("nobody")).build())
                .callHandler().apply(exchangeWith(context), CALL);
        assertThat(text(result)).isEqualTo("alice");
        assertThat(ThreadBoundToken.current()).isEmpty();
    }

    @Test
    void anAsyncToolsBatonFailureIsASafeToolError() {
        Tool tool = Tool.builder("get_country", Map.of("type", "object")).build();
        @SuppressWarnings("unchecked")
        List<AsyncToolSpecification> out = (List<AsyncToolSpecification>) new McpToolSpecifications()
                .postProcessAfterInitialization(List.of(new AsyncToolSpecification(tool,
                        (exchange, call) -> Mono.error(invalidGrant()))), "asyncTools");
        CallToolResult result = out.get(0).callHandler().apply(null, CALL).block();
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).doesNotContain("internal.example").contains("refused");
    }

    @Test
    void otherBeansAreLeftAlone() {
        List<String> names = List.of("a", "b");
        assertThat(new McpToolSpecifications().postProcessAfterInitialization(names, "names")).isSameAs(names);
    }
}
