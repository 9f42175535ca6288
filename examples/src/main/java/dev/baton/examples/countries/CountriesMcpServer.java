package dev.baton.examples.countries;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.TokenExchanger;
import dev.baton.redis.RedisTokenCache;
import dev.baton.TokenValidator;
import dev.baton.mcp.McpAuthorizationFilter;
import dev.baton.mcp.McpUser;
import dev.baton.okhttp.TokenExchangeInterceptor;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import tools.jackson.databind.json.JsonMapper;

/**
 * The countries MCP server: the MCP Java SDK's Streamable HTTP transport on Jetty 12 (ee10), behind
 * Baton's {@link McpAuthorizationFilter}, with tools that call the countries GraphQL API through one
 * OkHttp client carrying Baton's {@link TokenExchangeInterceptor}.
 *
 * <pre>
 *   MCP client ──Bearer (aud=mcpserver)──▶ McpAuthorizationFilter ──▶ MCP transport ──▶ tool handler
 *                 Origin/Host, token, tool scopes, session owner │    McpUser (transport context) │
 *                                                                ▼                                ▼
 *                                               RFC 9728 metadata     OkHttp + TokenExchangeInterceptor
 *                                                                        ──RFC 8693──▶ backend AS
 *                                                                        ──Bearer (aud=backend)──▶ GraphQL API
 * </pre>
 *
 * <p>The filter refuses a foreign {@code Origin} or (on loopback) {@code Host} with 403, answers
 * {@value CountriesTools#DETAILS_TOOL} without {@value CountriesTools#DETAILS_SCOPE} with a 403
 * step-up challenge, and serves an MCP session only to the user who opened it.
 */
public final class CountriesMcpServer implements AutoCloseable {
    /** The MCP endpoint's path. */
    public static final String MCP_PATH = "/mcp";
    /** Longest a backend call may take, exchange included; a tool never hangs longer. */
    public static final Duration BACKEND_CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Server jetty;
    private final McpSyncServer mcp;
    private final TokenValidator validator;
    private final TokenExchanger exchanger;
    private final RedisTokenCache sharedCache;
    private final OkHttpClient http;
    private final String endpoint;
    private final String resource;

    private CountriesMcpServer(Server jetty, McpSyncServer mcp, TokenValidator validator, TokenExchanger exchanger,
            RedisTokenCache sharedCache, OkHttpClient http, String endpoint, String resource) {
        this.jetty = jetty;
        this.mcp = mcp;
        this.validator = validator;
        this.exchanger = exchanger;
        this.sharedCache = sharedCache;
        this.http = http;
        this.endpoint = endpoint;
        this.resource = resource;
    }

    /**
     * Starts the server.
     *
     * @param config the settings
     * @param audit receives Baton's validation and exchange events (besides the SLF4J audit log)
     * @throws Exception if Jetty cannot start or a setting is invalid
     */
    public static CountriesMcpServer start(CountriesServerConfig config, AuditListener audit) throws Exception {
        return start(config, audit, BACKEND_CALL_TIMEOUT);
    }

    /**
     * Starts the server with another bound on backend calls.
     *
     * @param backendCallTimeout longest a backend call may take, token exchange included
     * @throws Exception if Jetty cannot start or a setting is invalid
     */
    public static CountriesMcpServer start(CountriesServerConfig config, AuditListener audit,
            Duration backendCallTimeout) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(config.host());
        connector.setPort(config.port());
        jetty.addConnector(connector);
        // Bind now: the resource identifier (RFC 9728) needs the port before the filter is built.
        connector.open();
        TokenValidator validator = null;
        TokenExchanger exchanger = null;
        RedisTokenCache sharedCache = null;
        try {
            AuditListener listeners = AuditListener.of(AuditListener.slf4j(), audit);
            validator = tokenValidator(config, listeners);
            TokenExchanger.Builder exchangerBuilder = TokenExchanger.builder()
                    .tokenEndpoint(config.tokenExchangeUrl())
                    .clientAuthentication(ClientAuthentication.clientSecretBasic(config.clientId(), config.clientSecret()))
                    .auditListener(listeners);
            if (config.dpop()) {
                // RFC 9449: tokens bound to a key generated here (or the fleet's, DPOP_KEY_FILE), useless to
                // whoever steals one (Okta's "Require DPoP" for API Services apps, on by default).
                FleetCache.dpop(exchangerBuilder, config);
            }
            // REDIS_URL: a fleet of these servers shares its exchanged tokens (docs/fleet.md).
            sharedCache = FleetCache.of(config);
            if (sharedCache != null) {
                exchangerBuilder.sharedCache(sharedCache);
            }
            exchanger = exchangerBuilder.build();
            return assemble(config, validator, exchanger, sharedCache, backendCallTimeout, jetty, connector);
        } catch (Exception | Error e) {
            // A setting refused by a builder, or Jetty failing to start: release the bound port and
            // the validator's and the exchanger's HTTP clients and timer leases.
            try {
                jetty.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            connector.close();
            if (validator != null) {
                validator.close();
            }
            if (exchanger != null) {
                exchanger.close();
            }
            if (sharedCache != null) {
                sharedCache.close();
            }
            throw e;
        }
    }

    /**
     * A new validator of the tokens this server accepts, built as the server builds its own: the
     * settings' issuer, audience, required scopes and JWKS URL (discovered from the issuer when
     * unset). The demo uses one to verify the tokens whose claims it shows. The caller closes it.
     *
     * @param config the settings
     * @param audit receives its validation events
     * @throws IllegalArgumentException if {@link TokenValidator.Builder} refuses a setting
     */
    public static TokenValidator tokenValidator(CountriesServerConfig config, AuditListener audit) {
        TokenValidator.Builder builder = TokenValidator.builder()
                .issuer(config.issuer())
                .audience(config.audience())
                .requiredScopes(config.requiredScopes().toArray(String[]::new))
                .auditListener(audit);
        if (config.jwksUrl() != null) {
            builder.jwksUri(config.jwksUrl());
        }
        return builder.build();
    }

    private static CountriesMcpServer assemble(CountriesServerConfig config, TokenValidator validator,
            TokenExchanger exchanger, RedisTokenCache sharedCache, Duration backendCallTimeout, Server jetty,
            ServerConnector connector)
            throws Exception {
        String urlHost = "0.0.0.0".equals(config.host()) ? "127.0.0.1" : config.host();
        String endpoint = "http://" + urlHost + ":" + connector.getLocalPort() + MCP_PATH;
        String resource = config.resourceUrl() != null ? config.resourceUrl() : endpoint;

        McpAuthorizationFilter filter = McpAuthorizationFilter.builder(validator)
                .resource(resource)
                .authorizationServers(config.issuer())
                .resourceName("Countries MCP server (Baton example)")
                .mcpEndpoint(MCP_PATH)
                .requireToolScopes(CountriesTools.DETAILS_TOOL, CountriesTools.DETAILS_SCOPE)
                .scopesSupported(scopesSupported(config))
                .build();

        OkHttpClient http = TokenExchangeInterceptor.builder(exchanger)
                .route(config.graphqlUrl(), r -> r
                        .audience(config.exchangeAudience())
                        .scopes(config.exchangeScopes().toArray(String[]::new)))
                .allowHttpOnLoopback()
                // With DPoP the proofs are signed per network request: the interceptor's network half.
                .installOn(new OkHttpClient.Builder())
                .connectTimeout(Duration.ofSeconds(3))
                .callTimeout(backendCallTimeout)
                .followRedirects(false)
                .build();
        JsonMapper json = JsonMapper.builder().build();
        CountriesBackend backend = new CountriesBackend(http, config.graphqlUrl(), json);

        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(MCP_PATH)
                // The token the filter accepted, to the tool handlers (they run on Reactor threads).
                .contextExtractor(McpUser.contextExtractor())
                .build();
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo("countries", "0.1.0")
                .instructions("Countries of the world: look one up by code (in detail with the countries:details"
                        + " scope), or list them all, by continent or in Europe.")
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .requestTimeout(backendCallTimeout.plusSeconds(5))
                .tools(CountriesTools.specifications(backend, json))
                .build();

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        FilterHolder filterHolder = new FilterHolder(filter);
        filterHolder.setAsyncSupported(true);
        // Mapped to /* so that it also serves /.well-known/oauth-protected-resource/mcp; async-supported
        // because the transport answers tool calls with startAsync().
        context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder servlet = new ServletHolder("mcp", transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, MCP_PATH);
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception | Error e) {
            http.dispatcher().executorService().shutdown();
            throw e;
        }
        return new CountriesMcpServer(jetty, mcp, validator, exchanger, sharedCache, http, endpoint, resource);
    }

    /**
     * The metadata's {@code scopes_supported}: the required scopes and those of {@code SCOPES_SUPPORTED},
     * then the scope of the detailed-country tool, so a client may ask for it up front.
     */
    private static String[] scopesSupported(CountriesServerConfig config) {
        Set<String> scopes = new LinkedHashSet<>(config.scopesSupported());
        scopes.add(CountriesTools.DETAILS_SCOPE);
        return scopes.toArray(String[]::new);
    }

    /** The MCP endpoint, e.g. {@code http://127.0.0.1:41236/mcp}. */
    public String endpoint() {
        return endpoint;
    }

    /** The RFC 9728 resource identifier (the endpoint unless {@code RESOURCE_URL} says otherwise). */
    public String resource() {
        return resource;
    }

    /** The exchanger, for its cache statistics. */
    public TokenExchanger exchanger() {
        return exchanger;
    }

    /**
     * Stops the MCP server, Jetty and the OkHttp client, then closes the token validator and the
     * token exchanger (no request can reach them once Jetty and the OkHttp client have stopped);
     * failures to stop are reported on stderr.
     */
    @Override
    public void close() {
        try {
            mcp.closeGracefully();
        } catch (RuntimeException e) {
            System.err.println("closing the MCP server failed: " + e);
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            System.err.println("stopping Jetty failed: " + e);
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
            validator.close();
            exchanger.close();
            if (sharedCache != null) {
                sharedCache.close();
            }
        }
    }
}
