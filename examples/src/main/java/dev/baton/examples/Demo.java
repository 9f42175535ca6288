package dev.baton.examples;

import dev.baton.AuditListener;
import dev.baton.ExchangeEvent;
import dev.baton.TokenValidator;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.countries.CountriesMcpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one-command demo: starts the embedded authorization server, the Apollo GraphQL backend (Node)
 * and the countries MCP server, then plays an MCP client session as alice and bob and prints every
 * hop. {@code --serve} keeps everything running for MCP Inspector or VS Code instead.
 *
 * <p>Run it with {@code ./mvnw -B -q -Pdemo verify -DskipTests} from the repository root (add
 * {@code -Ddemo.args=--serve} to keep it running). Exit status 0 when every step behaved as shown.
 */
public final class Demo {
    private final DemoConsole out;
    private final Path apolloDir;
    private final List<ExchangeEvent> exchanges = new CopyOnWriteArrayList<>();

    /**
     * @param out where the story is printed
     * @param apolloDir the Apollo backend's directory
     */
    public Demo(PrintStream out, Path apolloDir) {
        this.out = new DemoConsole(out);
        this.apolloDir = apolloDir;
    }

    /**
     * Runs the demo: {@code --serve} keeps the parts running until Ctrl-C, anything else (or
     * nothing) plays the scripted session and exits.
     */
    public static void main(String[] args) {
        boolean serve = List.of(args).contains("--serve");
        if (!serve) {
            // The story prints Baton's audit events itself, next to the hop they belong to.
            System.setProperty("org.slf4j.simpleLogger.log.dev.baton.audit", "off");
        }
        Demo demo = new Demo(System.out, ApolloBackendProcess.defaultDirectory());
        int status = serve ? demo.serve() : demo.run();
        System.exit(status);
    }

    /** Plays the scripted session; 0 when every step behaved as expected, 1 otherwise. */
    public int run() {
        AtomicReference<ExampleStack> started = new AtomicReference<>();
        Thread stopper = new Thread(() -> closeQuietly(started.getAndSet(null)), "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            out.header("Baton demo: an MCP server that calls its backend as the user, with token exchange (RFC 8693)");
            ExampleStack stack = ExampleStack.start(apolloDir, line -> { }, recordingListener(), Map.of());
            started.set(stack);
            describeParts(stack);
            // The story shows the claims of the users' tokens after verifying them as the MCP server does.
            try (TokenValidator verifier = CountriesMcpServer.tokenValidator(stack.config(), AuditListener.none())) {
                new DemoStory(out, stack, verifier, exchanges).play();
            }
            out.header("All " + DemoStory.STEPS + " steps behaved as expected. Stopping the MCP server, the Node"
                    + " backend and the authorization server.");
            return 0;
        } catch (DemoFailure e) {
            out.println();
            out.println("DEMO FAILED: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            out.println();
            out.println("DEMO FAILED: " + e);
            return 1;
        } finally {
            closeQuietly(started.getAndSet(null));
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running (Ctrl-C): it stops whatever is left.
            }
        }
    }

    /** Starts everything and keeps it running until the JVM is stopped (Ctrl-C). */
    public int serve() {
        AtomicReference<ExampleStack> started = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeQuietly(started.getAndSet(null));
            stopped.countDown();
        }, "demo-shutdown"));
        try {
            started.set(startServing(System.getenv()));
            stopped.await();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            out.println("DEMO FAILED: " + e);
            closeQuietly(started.getAndSet(null));
            return 1;
        }
    }

    /**
     * Starts everything with the environment's settings over the embedded defaults, forwards the
     * backend's log lines, and prints how to connect MCP Inspector or VS Code. The caller closes
     * the returned stack.
     */
    ExampleStack startServing(Map<String, String> env) throws Exception {
        ExampleStack stack = ExampleStack.start(apolloDir, line -> out.println("  backend | " + line),
                AuditListener.none(), env);
        try {
            out.header("Baton demo (--serve): everything runs until Ctrl-C");
            describeParts(stack);
            printConnectionHelp(stack);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void describeParts(ExampleStack stack) {
        EmbeddedAuthorizationServer as = stack.authorizationServer();
        out.println("  authorization server  " + as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID)
                + "  and  " + as.issuer(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID)
                + "   (mock-oauth2-server, two issuers like two Okta authorization servers)");
        out.println("  countries GraphQL API " + stack.backend().graphqlUrl()
                + "   (Apollo Server on Node; accepts aud=backend + backend-api:read only)");
        out.println("  countries MCP server  " + stack.mcpServer().endpoint()
                + "   (MCP Java SDK on Jetty; Baton: McpAuthorizationFilter in, TokenExchangeInterceptor out)");
    }

    private void printConnectionHelp(ExampleStack stack) throws IOException {
        EmbeddedAuthorizationServer as = stack.authorizationServer();
        boolean embedded = stack.config().issuer().equals(as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID));
        String resource = stack.mcpServer().resource();
        String issuer = stack.config().issuer();
        if (embedded) {
            Path tokens = privateTempDirectory();
            tokens.toFile().deleteOnExit();
            for (String user : List.of("alice", "bob")) {
                Path file = privateFile(tokens.resolve(user + ".token"));
                file.toFile().deleteOnExit();
                Files.writeString(file, as.signIn(user, resource), StandardCharsets.US_ASCII);
            }
            out.println();
            out.println("Ready-made access tokens (valid one hour; never printed): " + tokens.resolve("alice.token")
                    + " and " + tokens.resolve("bob.token"));
        } else {
            out.println();
            out.println("Tokens come from " + issuer + " (OIDC_ISSUER): sign in there.");
        }
        out.println();
        out.println("MCP Inspector:  npx @modelcontextprotocol/inspector");
        out.println("  Transport Type: Streamable HTTP    URL: " + resource + "    then Connect: Inspector signs you in itself");
        if (embedded) {
            out.println("  (the 401 leads it to " + issuer + "; it registers as a client and opens the login page, any");
            out.println("  user name). Or: Authentication -> Bearer Token: the content of alice.token");
        } else {
            out.println("  at " + issuer + ". Okta's registration endpoint needs an API token, so give Inspector the");
            out.println("  client id of an Okta app.");
        }
        out.println();
        out.println("VS Code: put this in .vscode/mcp.json and start the server; VS Code signs you in itself:");
        out.println("""
                {
                  "servers": {
                    "countries": {
                      "type": "http",
                      "url": "%s"
                    }
                  }
                }""".formatted(resource));
        if (embedded) {
            out.println("  It registers as a client at " + issuer + " and opens the login page in your browser");
            out.println("  (any user name).");
        } else {
            out.println("  Okta's registration endpoint needs an API token, so VS Code asks for a client id and secret:");
            out.println("  give the VS Code app's.");
        }
        out.println("  The \"url\" must be exactly the resource identifier " + resource + " (127.0.0.1 is not");
        out.println("  localhost). To use a ready-made token instead, add to the server");
        out.println("  \"headers\": { \"Authorization\": \"Bearer ${input:baton-token}\" } and to the file");
        out.println("  \"inputs\": [ { \"type\": \"promptString\", \"id\": \"baton-token\", \"description\": \"Access token\","
                + " \"password\": true } ].");
        out.println();
        out.println("The backend's log lines appear below as \"backend | ...\"; Baton's audit log on logger dev.baton.audit.");
        out.println("Ctrl-C stops everything, the Node backend included.");
        out.rule();
    }

    /** A temporary directory only the current user can read (owner-only on POSIX file systems). */
    private static Path privateTempDirectory() throws IOException {
        try {
            return Files.createTempDirectory("baton-demo-tokens",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the per-user temporary directory is already private to the user.
            return Files.createTempDirectory("baton-demo-tokens");
        }
    }

    /** Creates an empty file only the current user can read and write (rw------- on POSIX), before any token is in it. */
    static Path privateFile(Path file) throws IOException {
        try {
            return Files.createFile(file,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file inherits the private per-user temporary directory's access list.
            return Files.createFile(file);
        }
    }

    private AuditListener recordingListener() {
        return new AuditListener() {
            @Override
            public void onExchange(ExchangeEvent event) {
                exchanges.add(event);
            }
        };
    }

    private static void closeQuietly(ExampleStack stack) {
        if (stack != null) {
            stack.close();
        }
    }
}
