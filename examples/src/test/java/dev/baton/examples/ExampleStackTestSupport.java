package dev.baton.examples;

import dev.baton.AuditListener;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole example stack (embedded authorization server, Apollo backend, countries MCP server) for
 * the end-to-end tests of one class: started quietly before its tests, closed after them. A class
 * that checks something once the stack is closed declares its own {@code stopStack()} (JUnit then
 * runs it instead of this one) and calls {@link #closeStack()}.
 */
abstract class ExampleStackTestSupport {
    static ExampleStack stack;
    static EmbeddedAuthorizationServer as;
    static ApolloBackendProcess backend;
    static String endpoint;

    @BeforeAll
    static void startStack() throws Exception {
        stack = ExampleStack.start(ApolloBackendProcess.defaultDirectory(), line -> { }, AuditListener.none(), Map.of());
        as = stack.authorizationServer();
        backend = stack.backend();
        endpoint = stack.mcpServer().endpoint();
    }

    @AfterAll
    static void stopStack() {
        closeStack();
    }

    /**
     * Another backend like the stack's, reached through {@code proxy}: it checks DPoP proofs against
     * the proxy's URL (the one the MCP server addresses), and the proxy forwards to it.
     */
    static ApolloBackendProcess backendBehind(RecordingProxy proxy) throws java.io.IOException {
        ApolloBackendProcess behind = ApolloBackendProcess.start(ApolloBackendProcess.defaultDirectory(),
                as.issuer(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID), stack.config().exchangeAudience(),
                stack.config().exchangeScopes(), line -> { }, ExampleStack.BACKEND_START_TIMEOUT, proxy.url());
        proxy.forwardTo(behind.graphqlUrl());
        return behind;
    }

    /** Closes the stack; false when it never started. */
    static boolean closeStack() {
        if (stack == null) {
            return false;
        }
        stack.close();
        return true;
    }
}
