package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ValidatedToken;
import dev.baton.examples.countries.CountriesBackend;
import dev.baton.examples.countries.CountriesMcpServer;
import dev.baton.examples.countries.CountriesServerConfig;
import dev.baton.examples.countries.CountriesTools;
import dev.baton.mcp.McpUser;
import dev.baton.servlet.BearerTokenFilter;
import dev.baton.testkit.TestAuthorizationServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 11, row 9: an MCP {@code tools/call} ({@code get_country ES}) end to end, over HTTP/1.1
 * with keep-alive in one MCP session, against three servers on loopback that share a stub GraphQL
 * backend on Jetty:
 *
 * <ul>
 *   <li>{@link #batonOn}: the example's {@link CountriesMcpServer} configured for Bearer tokens
 *       ({@code TOKEN_EXCHANGE_DPOP=false}, as a user whose authorization server issues no DPoP-bound
 *       tokens runs it): Baton's {@code McpAuthorizationFilter} (Origin/Host, token from the
 *       verified-token cache, tool scopes, session owner), the MCP SDK's Streamable HTTP transport,
 *       the tool, and an OkHttp call through {@code TokenExchangeInterceptor} (an exchange-cache hit)
 *       to the backend with {@code Authorization: Bearer}. This is row 9 as issue 11 defines it;
 *   <li>{@link #batonOnDPoP}: the same server as the example ships it, exchanging for DPoP-bound
 *       tokens: each backend call also carries a fresh ES256 DPoP proof (RFC 9449 §7), whose cost
 *       {@code DPoPBenchmark} measures alone. Reported beside row 9, with no goal of its own;
 *   <li>{@link #batonOff}: the same transport, tools, backend client and Jetty, assembled the same way
 *       but with Baton off: a filter hands the tools a fixed user without checking anything, and the
 *       OkHttp client sends a fixed backend token instead of exchanging.
 * </ul>
 *
 * The exchanges and the JWKS come from a loopback MockWebServer during set-up only (the first call
 * to each Baton server fills its caches); the tear-down fails the run if it saw a request during
 * measurement. Two client threads share one JDK {@link HttpClient}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(2)
public class EndToEndBenchmark {
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private MockWebServer keys;
    private TestAuthorizationServer as;
    private LoopbackJetty graphql;
    private GraphqlStubServlet backend;
    private CountriesMcpServer on;
    private CountriesMcpServer onDPoP;
    private Off off;
    private HttpClient http;
    private String token;
    private Session onSession;
    private Session onDPoPSession;
    private Session offSession;
    private final AtomicLong ids = new AtomicLong(10);
    private int requestsAfterSetUp;

    /** One MCP session: endpoint and session id. */
    private record Session(URI endpoint, String id) {
    }

    /** Starts the backend and both servers, opens a session on each and checks one call through each. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        try {
            start();
        } catch (Exception | Error e) {
            // A failed set-up must not leave servers behind (the fork would not exit).
            closeAll();
            throw e;
        }
    }

    private void start() throws Exception {
        keys = Fixtures.loopbackServer();
        as = new TestAuthorizationServer(keys);
        String exchanged = Fixtures.accessToken(as, "backend-alice").audience("backend").sign();
        AtomicInteger bearerExchanges = new AtomicInteger();
        AtomicInteger dpopExchanges = new AtomicInteger();
        // One exchange per server: a DPoP-bound token for the exchanger that sends a proof (RFC 9449 §5;
        // it refuses a Bearer answer), a Bearer token for the other; any further exchange fails.
        as.route("/v1/token", r -> {
            boolean dpop = r.getHeaders().get("DPoP") != null;
            AtomicInteger count = dpop ? dpopExchanges : bearerExchanges;
            if (count.getAndIncrement() > 0) {
                return TestAuthorizationServer.json(503, "{\"error\":\"temporarily_unavailable\"}");
            }
            String response = Fixtures.tokenResponse(exchanged);
            return TestAuthorizationServer.json(dpop ? response.replace("\"Bearer\"", "\"DPoP\"") : response);
        });
        token = Fixtures.accessToken(as, "alice").sign();
        backend = new GraphqlStubServlet();
        graphql = LoopbackJetty.start("/graphql", backend, null);
        String graphqlUrl = graphql.uri("/graphql").toString();

        on = CountriesMcpServer.start(config(graphqlUrl, false), AuditListener.none());
        onDPoP = CountriesMcpServer.start(config(graphqlUrl, true), AuditListener.none());
        off = Off.start(graphqlUrl, Fixtures.validated(Fixtures.accessToken(as, "alice")), exchanged);

        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
        onSession = open(URI.create(on.endpoint()));
        onDPoPSession = open(URI.create(onDPoP.endpoint()));
        offSession = open(off.endpoint);
        require(call(onSession).contains("Spain"), "the Baton server's tools/call did not answer Spain");
        require(("Bearer " + exchanged).equals(backend.lastAuthorization()), "the backend got no exchanged token");
        require(call(onDPoPSession).contains("Spain"), "the Baton server with DPoP did not answer Spain");
        require(("DPoP " + exchanged).equals(backend.lastAuthorization()), "the backend got no DPoP-bound token");
        require(call(offSession).contains("Spain"), "the Baton-off server's tools/call did not answer Spain");
        require(bearerExchanges.get() == 1 && dpopExchanges.get() == 1,
                "expected exactly one token exchange per Baton server in set-up");
        requestsAfterSetUp = as.totalRequests();
    }

    /** The example's settings against the set-up's authorization server and backend, with or without DPoP. */
    private CountriesServerConfig config(String graphqlUrl, boolean dpop) {
        return new CountriesServerConfig(as.issuer(), Fixtures.AUDIENCE, as.jwksUri(), List.of("mcp:tools:call"),
                List.of(), null, as.tokenEndpoint(), "mcp-server", "benchmark-secret", "backend",
                List.of("backend-api:read"), graphqlUrl, "127.0.0.1", 0, null, null, null, dpop);
    }

    private Session open(URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> init = post(endpoint, null, INITIALIZE);
        require(init.statusCode() == 200, "initialize failed with HTTP " + init.statusCode());
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        Session s = new Session(endpoint, id);
        int status = post(endpoint, id, INITIALIZED).statusCode();
        require(status == 202 || status == 200, "notifications/initialized failed with HTTP " + status);
        return s;
    }

    private HttpResponse<String> post(URI endpoint, String session, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String call(Session s) throws IOException, InterruptedException {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet()
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_country\",\"arguments\":{\"code\":\"ES\"}}}";
        HttpResponse<String> r = post(s.endpoint(), s.id(), body);
        return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    /** Fails the run if the authorization server was called during measurement; stops everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, "EndToEndBenchmark");
        } finally {
            closeAll();
        }
    }

    private void closeAll() throws Exception {
        if (on != null) {
            on.close();
        }
        if (onDPoP != null) {
            onDPoP.close();
        }
        if (off != null) {
            off.close();
        }
        if (graphql != null) {
            graphql.close();
        }
        if (keys != null) {
            keys.close();
        }
    }

    /** tools/call through the example server with Baton, Bearer tokens to the backend (row 9). */
    @Benchmark
    public String batonOn() throws IOException, InterruptedException {
        return call(onSession);
    }

    /** tools/call through the example server with Baton as it ships, DPoP-bound tokens and a proof per call. */
    @Benchmark
    public String batonOnDPoP() throws IOException, InterruptedException {
        return call(onDPoPSession);
    }

    /** tools/call through the same server with Baton off. */
    @Benchmark
    public String batonOff() throws IOException, InterruptedException {
        return call(offSession);
    }

    /**
     * The countries server with Baton off, assembled as {@code CountriesMcpServer} assembles its own:
     * the same transport, tools, backend client and Jetty; a filter that hands every request a fixed
     * user (the tools need one) and an OkHttp client that sends a fixed backend token.
     */
    private static final class Off implements AutoCloseable {
        final Server jetty;
        final McpSyncServer mcp;
        final OkHttpClient okhttp;
        final URI endpoint;

        private Off(Server jetty, McpSyncServer mcp, OkHttpClient okhttp, URI endpoint) {
            this.jetty = jetty;
            this.mcp = mcp;
            this.okhttp = okhttp;
            this.endpoint = endpoint;
        }

        static Off start(String graphqlUrl, ValidatedToken user, String backendToken) throws Exception {
            OkHttpClient okhttp = new OkHttpClient.Builder()
                    .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                            .header("Authorization", "Bearer " + backendToken).build()))
                    .connectTimeout(Duration.ofSeconds(3))
                    .callTimeout(CountriesMcpServer.BACKEND_CALL_TIMEOUT)
                    .followRedirects(false)
                    .build();
            JsonMapper json = JsonMapper.builder().build();
            CountriesBackend backend = new CountriesBackend(okhttp, graphqlUrl, json);
            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider
                    .builder()
                    .mcpEndpoint(CountriesMcpServer.MCP_PATH)
                    .contextExtractor(McpUser.contextExtractor())
                    .build();
            McpSyncServer mcp = McpServer.sync(transport)
                    .serverInfo("countries", "0.1.0")
                    .capabilities(ServerCapabilities.builder().tools(false).build())
                    .requestTimeout(CountriesMcpServer.BACKEND_CALL_TIMEOUT.plusSeconds(5))
                    .tools(CountriesTools.specifications(backend, json))
                    .build();
            Filter fixedUser = (request, response, chain) -> {
                request.setAttribute(BearerTokenFilter.VALIDATED_TOKEN_ATTRIBUTE, user);
                chain.doFilter(request, response);
            };
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            FilterHolder filterHolder = new FilterHolder(fixedUser);
            filterHolder.setAsyncSupported(true);
            context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
            ServletHolder servlet = new ServletHolder("mcp", transport);
            servlet.setAsyncSupported(true);
            context.addServlet(servlet, CountriesMcpServer.MCP_PATH);
            jetty.setHandler(context);
            jetty.start();
            URI endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort() + CountriesMcpServer.MCP_PATH);
            return new Off(jetty, mcp, okhttp, endpoint);
        }

        @Override
        public void close() throws Exception {
            mcp.closeGracefully();
            jetty.stop();
            okhttp.dispatcher().executorService().shutdown();
            okhttp.connectionPool().evictAll();
        }
    }
}
