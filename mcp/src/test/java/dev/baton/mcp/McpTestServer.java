package dev.baton.mcp;

import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.testkit.TestAuthorizationServer;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import mockwebserver3.MockWebServer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A real MCP server for the tests, on Jetty 12 ee10 over loopback: the SDK's
 * {@link HttpServletStreamableServerTransportProvider} at {@code /mcp} with {@link McpUser#contextExtractor()},
 * a sync {@link McpServer} with three tools and one resource, behind {@link McpAuthorizationFilter}
 * mapped to {@code /*}. A {@link BodyEchoServlet} at {@code /echo/mcp} (its URI ends with the endpoint,
 * so the MCP rules apply) answers with the body it received. Tokens come from a
 * {@link TestAuthorizationServer} (issuer on MockWebServer); the validator requires
 * {@code aud=mcpserver} and {@code mcp:tools:call}.
 *
 * <p>Tools: {@code whoami} and {@code get_country} need no scope of their own;
 * {@code get_country_details} needs {@code countries:details} (configured by {@link #start(Consumer)}).
 * Each call is recorded as {@code "tool as subject"}.
 */
final class McpTestServer implements AutoCloseable {
    static final String AUDIENCE = "mcpserver";
    static final String BASE_SCOPE = "mcp:tools:call";
    static final String DETAILS_SCOPE = "countries:details";
    static final String RESOURCE_URI = "countries://all";

    private final MockWebServer idpServer;
    private final TestAuthorizationServer idp;
    private final TokenValidator validator;
    private final Server jetty;
    private final Runnable closeMcp;
    private final String endpoint;
    /** Every tool call and resource read the SDK ran, as {@code "tool as subject"}. */
    final List<String> calls;

    private McpTestServer(MockWebServer idpServer, TestAuthorizationServer idp, TokenValidator validator,
            Server jetty, Runnable closeMcp, String endpoint, List<String> calls) {
        this.calls = calls;
        this.idpServer = idpServer;
        this.idp = idp;
        this.validator = validator;
        this.jetty = jetty;
        this.closeMcp = closeMcp;
        this.endpoint = endpoint;
    }

    /** The server with {@code get_country_details} requiring {@code countries:details}, plus {@code config}. */
    static McpTestServer start(Consumer<McpAuthorizationFilter.Builder> config) {
        return start(config, List.of(), false);
    }

    /**
     * The server with {@code get_country_details} requiring {@code countries:details}, plus
     * {@code config}, and {@code extraTools} (sync server), or (with {@code async}) an async server
     * whose only tool is {@code whoami}.
     */
    static McpTestServer start(Consumer<McpAuthorizationFilter.Builder> config, List<SyncToolSpecification> extraTools,
            boolean async) {
        MockWebServer idpServer = new MockWebServer();
        Server jetty = new Server();
        try {
            idpServer.start();
            TestAuthorizationServer idp = new TestAuthorizationServer(idpServer);
            TokenValidator validator = TokenValidator.builder()
                    .issuer(idp.issuer())
                    .audience(AUDIENCE)
                    .requiredScopes(BASE_SCOPE)
                    .auditListener(AuditListener.none())
                    .build();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            jetty.addConnector(connector);
            connector.open();
            String endpoint = "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
            McpAuthorizationFilter.Builder builder = McpAuthorizationFilter.builder(validator)
                    .resource(endpoint)
                    .authorizationServers(idp.issuer())
                    .auditListener(AuditListener.none())
                    .requireToolScopes("get_country_details", DETAILS_SCOPE);
            config.accept(builder);
            List<String> calls = new CopyOnWriteArrayList<>();
            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                    .mcpEndpoint("/mcp")
                    .contextExtractor(McpUser.contextExtractor())
                    .build();
            Runnable closeMcp = async ? asyncServer(transport, calls) : syncServer(transport, calls, extraTools);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            FilterHolder filter = new FilterHolder(builder.build());
            filter.setAsyncSupported(true);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
            ServletHolder servlet = new ServletHolder("mcp", transport);
            servlet.setAsyncSupported(true);
            context.addServlet(servlet, "/mcp");
            context.addServlet(new ServletHolder("echo", new BodyEchoServlet()), "/echo/mcp");
            jetty.setHandler(context);
            jetty.start();
            return new McpTestServer(idpServer, idp, validator, jetty, closeMcp, endpoint, calls);
        } catch (Exception e) {
            try {
                jetty.stop();
                idpServer.close();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw new IllegalStateException("the test MCP server did not start", e);
        }
    }

    private static Runnable syncServer(HttpServletStreamableServerTransportProvider transport, List<String> calls,
            List<SyncToolSpecification> extraTools) {
        List<SyncToolSpecification> tools = new ArrayList<>(List.of(
                tool("whoami", calls), tool("get_country", calls), tool("get_country_details", calls)));
        tools.addAll(extraTools);
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo("baton-mcp-test", "1.0")
                .capabilities(ServerCapabilities.builder().tools(false).resources(false, false).build())
                .tools(tools)
                .resources(new SyncResourceSpecification(Resource.builder(RESOURCE_URI, "countries").build(),
                        (exchange, request) -> {
                            calls.add("read " + request.uri() + " as " + McpUser.require(exchange).subject());
                            return ReadResourceResult.builder(List.of(TextResourceContents.builder(RESOURCE_URI,
                                    "ES PT FR").mimeType("text/plain").build())).build();
                        }))
                .build();
        return mcp::closeGracefully;
    }

    /** An async server: its handler runs in the Reactor chain, and finds the user all the same. */
    private static Runnable asyncServer(HttpServletStreamableServerTransportProvider transport, List<String> calls) {
        Tool whoami = Tool.builder("whoami", Map.of("type", "object", "properties", Map.of())).build();
        McpAsyncServer mcp = McpServer.async(transport)
                .serverInfo("baton-mcp-async-test", "1.0")
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(AsyncToolSpecification.builder()
                        .tool(whoami)
                        .callHandler((exchange, request) -> Mono.fromSupplier(() -> {
                            ValidatedToken user = McpUser.require(exchange);
                            calls.add("async whoami as " + user.subject() + " on " + Thread.currentThread().getName());
                            return CallToolResult.builder().addTextContent("async whoami for " + user.subject()).build();
                        }).subscribeOn(Schedulers.parallel()))
                        .build())
                .build();
        return () -> mcp.closeGracefully().block(Duration.ofSeconds(10));
    }

    private static SyncToolSpecification tool(String name, List<String> calls) {
        Tool tool = Tool.builder(name, Map.of("type", "object", "properties", Map.of())).description(name).build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> {
                    ValidatedToken user = McpUser.require(exchange);
                    calls.add(name + " as " + user.subject());
                    return CallToolResult.builder().addTextContent(name + " for " + user.subject()).build();
                })
                .build();
    }

    /** The MCP endpoint, {@code http://127.0.0.1:port/mcp}: also the resource identifier. */
    String endpoint() {
        return endpoint;
    }

    /** A URI on this server. */
    URI uri(String path) {
        return URI.create(endpoint.substring(0, endpoint.length() - "/mcp".length()) + path);
    }

    /** A token for {@code subject} with {@code aud=mcpserver} and the space-separated {@code scope}. */
    String token(String subject, String scope) {
        return idp.token().subject(subject).audience(AUDIENCE).scope(scope).sign();
    }

    /** The issuer. */
    TestAuthorizationServer idp() {
        return idp;
    }

    @Override
    public void close() {
        try {
            closeMcp.run();
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the test MCP server did not stop", e);
        } finally {
            validator.close();
            idpServer.close();
        }
    }

    /** Answers a POST with the bytes it read, through {@code getInputStream()} or, with {@code ?reader}, {@code getReader()}. */
    static final class BodyEchoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp)
                throws IOException {
            byte[] body;
            if (req.getQueryString() != null && req.getQueryString().contains("reader")) {
                StringBuilder text = new StringBuilder();
                char[] buffer = new char[4096];
                for (int n; (n = req.getReader().read(buffer)) > 0;) {
                    text.append(buffer, 0, n);
                }
                body = text.toString().getBytes(StandardCharsets.UTF_8);
            } else {
                body = req.getInputStream().readAllBytes();
            }
            resp.setStatus(200);
            resp.setContentType("application/octet-stream");
            resp.getOutputStream().write(body);
        }
    }
}
