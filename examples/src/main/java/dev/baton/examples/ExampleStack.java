package dev.baton.examples;

import dev.baton.AuditListener;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.countries.CountriesMcpServer;
import dev.baton.examples.countries.CountriesServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The whole example on one machine, every part on 127.0.0.1 and an ephemeral port: the embedded
 * authorization server, the Apollo backend (Node child process) and the countries MCP server.
 * Closing it stops all three, the Node child included.
 */
public final class ExampleStack implements AutoCloseable {
    /** How long the Node backend may take to start listening. */
    public static final Duration BACKEND_START_TIMEOUT = Duration.ofSeconds(60);
    /** Stands for the bundled backend's URL until it listens; never called. */
    private static final String BUNDLED_BACKEND = "http://127.0.0.1/graphql";

    private final EmbeddedAuthorizationServer authorizationServer;
    private final ApolloBackendProcess backend;
    private final CountriesMcpServer mcpServer;
    private final CountriesServerConfig config;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ExampleStack(EmbeddedAuthorizationServer authorizationServer, ApolloBackendProcess backend,
            CountriesMcpServer mcpServer, CountriesServerConfig config) {
        this.authorizationServer = authorizationServer;
        this.backend = backend;
        this.mcpServer = mcpServer;
        this.config = config;
    }

    /**
     * Starts the three parts.
     *
     * @param apolloDir the Apollo backend's directory
     * @param backendLines receives each output line of the Node backend
     * @param audit receives Baton's audit events
     * @param env environment overrides of the MCP server's settings (see {@link CountriesServerConfig});
     *     empty for the embedded set-up
     */
    public static ExampleStack start(Path apolloDir, Consumer<String> backendLines, AuditListener audit,
            Map<String, String> env) throws Exception {
        EmbeddedAuthorizationServer as = EmbeddedAuthorizationServer.start();
        ApolloBackendProcess backend = null;
        try {
            String backendIssuer = CountriesServerConfig.setting(env, "BACKEND_ISSUER")
                    .orElse(as.issuer(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID));
            // The exchange's audience and scopes are what the bundled backend requires, so the settings
            // are read before it starts; its URL, known once it listens, is the default GraphQL endpoint.
            CountriesServerConfig settings = CountriesServerConfig.defaults(
                            as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID),
                            as.tokenEndpoint(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID),
                            EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID,
                            EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET,
                            BUNDLED_BACKEND)
                    .withEnvironment(env);
            backend = ApolloBackendProcess.start(apolloDir, backendIssuer, settings.exchangeAudience(),
                    settings.exchangeScopes(), backendLines, BACKEND_START_TIMEOUT);
            CountriesServerConfig config = CountriesServerConfig.setting(env, "BACKEND_GRAPHQL_URL").isPresent()
                    ? settings : settings.withGraphqlUrl(backend.graphqlUrl());
            CountriesMcpServer server = CountriesMcpServer.start(config, audit);
            return new ExampleStack(as, backend, server, config);
        } catch (Exception | Error e) {
            if (backend != null) {
                backend.close();
            }
            as.close();
            throw e;
        }
    }

    /** The embedded authorization server. */
    public EmbeddedAuthorizationServer authorizationServer() {
        return authorizationServer;
    }

    /** The Node backend. */
    public ApolloBackendProcess backend() {
        return backend;
    }

    /** The countries MCP server. */
    public CountriesMcpServer mcpServer() {
        return mcpServer;
    }

    /** The MCP server's settings. */
    public CountriesServerConfig config() {
        return config;
    }

    /**
     * Starts another countries MCP server on the same authorization server, with other settings
     * (the tests use it for a backend that is down, or a refused exchange). The caller closes it.
     */
    public CountriesMcpServer startAnotherServer(CountriesServerConfig other, Duration backendTimeout)
            throws Exception {
        return CountriesMcpServer.start(other, AuditListener.none(), backendTimeout);
    }

    /** Stops the MCP server, the Node backend and the authorization server, in that order. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            mcpServer.close();
        } finally {
            try {
                backend.close();
            } finally {
                authorizationServer.close();
            }
        }
    }
}
