package dev.baton.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.mcp.McpUser;
import dev.baton.servlet.BearerTokenFilter;
import dev.baton.testkit.TestAuthorizationServer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.springframework.ai.mcp.server.webmvc.transport.WebMvcStreamableServerTransportProvider;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.servlet.function.ServerRequest;

/** The user added to the transport context of Spring AI's transport, keeping what its own extractor puts there. */
class McpTransportContextsTest {
    @StartStop
    final MockWebServer idpServer = new MockWebServer();

    private static WebMvcStreamableServerTransportProvider transport(McpTransportContextExtractor<ServerRequest> extractor) {
        WebMvcStreamableServerTransportProvider transport = WebMvcStreamableServerTransportProvider.builder()
                .contextExtractor(extractor).build();
        new McpTransportContexts().postProcessAfterInitialization(transport, "webMvcStreamableServerTransportProvider");
        return transport;
    }

    @SuppressWarnings("unchecked")
    private static McpTransportContext extract(WebMvcStreamableServerTransportProvider transport, ValidatedToken user) {
        MockHttpServletRequest servlet = new MockHttpServletRequest("POST", "/mcp");
        if (user != null) {
            servlet.setAttribute(BearerTokenFilter.VALIDATED_TOKEN_ATTRIBUTE, user);
        }
        McpTransportContextExtractor<ServerRequest> installed = (McpTransportContextExtractor<ServerRequest>)
                ReflectionTestUtils.getField(transport, "contextExtractor");
        return installed.extract(ServerRequest.create(servlet, List.of()));
    }

    private ValidatedToken alice() throws Exception {
        TestAuthorizationServer idp = new TestAuthorizationServer(idpServer);
        try (TokenValidator validator = TokenValidator.builder().issuer(idp.issuer()).audience("mcpserver").build()) {
            return validator.validate(idp.token().subject("alice").audience("mcpserver").sign());
        }
    }

    @Test
    void addsTheUserToTheDefaultEmptyContext() throws Exception {
        ValidatedToken alice = alice();
        McpTransportContext context = extract(transport(request -> McpTransportContext.EMPTY), alice);
        assertThat(McpUser.of(context)).contains(alice);
    }

    @Test
    void keepsWhatTheApplicationsExtractorPutThere() throws Exception {
        ValidatedToken alice = alice();
        McpTransportContext context = extract(transport(request -> McpTransportContext.create(Map.of("tenant", "acme"))),
                alice);
        assertThat(context.get("tenant")).isEqualTo("acme");
        assertThat(McpUser.of(context)).contains(alice);
    }

    @Test
    void aRequestWithoutUserGetsTheOriginalContextUnchanged() {
        McpTransportContext original = McpTransportContext.create(Map.of("tenant", "acme"));
        assertThat(extract(transport(request -> original), null)).isSameAs(original);
    }

    @Test
    void processingTheBeanTwiceWrapsTheExtractorOnce() throws Exception {
        WebMvcStreamableServerTransportProvider transport = transport(request -> McpTransportContext.EMPTY);
        Object once = ReflectionTestUtils.getField(transport, "contextExtractor");
        new McpTransportContexts().postProcessAfterInitialization(transport, "again");
        assertThat(ReflectionTestUtils.getField(transport, "contextExtractor")).isSameAs(once);
    }
}
