package dev.baton.examples;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.AuditListener;
import dev.baton.ExchangeCacheStats;
import dev.baton.ExchangeEvent;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.client.McpClients;
import dev.baton.examples.client.McpClients.Refusal;
import dev.baton.examples.countries.CountriesMcpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one-command demo: starts the embedded authorization server, the Apollo GraphQL backend (Node)
 * and the countries MCP server, then plays an MCP client session as alice and bob and prints every
 * hop. {@code --serve} keeps everything running for MCP Inspector or VS Code instead.
 *
 * <p>Run it with {@code ./mvnw -B -q -Pdemo verify -DskipTests} from the repository root (add
 * {@code -Ddemo.args=--serve} to keep it running). Exit status 0 when every step behaved as shown.
 */
public final class Demo {
    private static final Duration LINE_TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RULE = "-".repeat(96);

    private final PrintStream out;
    private final Path apolloDir;
    private final List<ExchangeEvent> exchanges = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /**
     * @param out where the story is printed
     * @param apolloDir the Apollo backend's directory
     */
    public Demo(PrintStream out, Path apolloDir) {
        this.out = out;
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
            header("Baton demo: an MCP server that calls its backend as the user, with token exchange (RFC 8693)");
            ExampleStack stack = ExampleStack.start(apolloDir, line -> { }, recordingListener(), Map.of());
            started.set(stack);
            describeParts(stack);
            // The story shows the claims of the users' tokens after verifying them as the MCP server does.
            try (TokenValidator verifier = CountriesMcpServer.tokenValidator(stack.config(), AuditListener.none())) {
                story(stack, verifier);
            }
            header("All seven steps behaved as expected. Stopping the MCP server, the Node backend and the "
                    + "authorization server.");
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
            header("Baton demo (--serve): everything runs until Ctrl-C");
            describeParts(stack);
            printConnectionHelp(stack);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void story(ExampleStack stack, TokenValidator verifier) throws Exception {
        EmbeddedAuthorizationServer as = stack.authorizationServer();
        String endpoint = stack.mcpServer().endpoint();
        ApolloBackendProcess backend = stack.backend();

        step(1, "An MCP client calls the MCP server without a token");
        Refusal noToken = refusalOf(McpClients.client(endpoint, null));
        out.println("  POST " + endpoint + " (initialize), no Authorization header");
        out.println("  <- HTTP " + noToken.status() + "  WWW-Authenticate: " + noToken.wwwAuthenticate());
        expect(noToken.status() == 401, "expected 401 without a token, got " + noToken.status());
        String metadataUrl = noToken.parameter("resource_metadata")
                .orElseThrow(() -> new DemoFailure("the challenge has no resource_metadata"));
        JsonNode metadata = getJson(metadataUrl);
        out.println("  GET  " + metadataUrl + "  (RFC 9728 protected resource metadata)");
        out.println("  <- resource=" + metadata.path("resource").asString()
                + "  authorization_servers=" + metadata.path("authorization_servers")
                + "  scopes_supported=" + metadata.path("scopes_supported"));
        String authServer = metadata.path("authorization_servers").path(0).asString();
        JsonNode asMetadata = getJson(authServer + "/.well-known/openid-configuration");
        out.println("  GET  " + authServer + "/.well-known/openid-configuration");
        out.println("  <- authorization_endpoint=" + asMetadata.path("authorization_endpoint").asString()
                + "  token_endpoint=" + asMetadata.path("token_endpoint").asString());
        expect(authServer.equals(as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID)),
                "the metadata names another authorization server: " + authServer);
        out.println("  -> the client now knows where its user must sign in: " + authServer);

        step(2, "alice signs in (authorization code + PKCE at the MCP authorization server)");
        String alice = as.signIn("alice", stack.mcpServer().resource());
        ValidatedToken aliceToken = showVerifiedToken("alice's access token", alice, verifier);
        expect(aliceToken.audiences().contains("mcpserver") && aliceToken.scopes().contains("mcp:tools:call"),
                "alice's token lacks aud=mcpserver or mcp:tools:call");

        step(3, "alice lists the tools and calls them (each call goes to the GraphQL API as alice)");
        int backendLinesBefore = countAudit(backend, l -> true);
        ExchangeCacheStats before = stack.mcpServer().exchanger().cacheStats();
        try (McpSyncClient client = McpClients.client(endpoint, alice)) {
            client.initialize();
            List<String> tools = client.listTools().tools().stream().map(Tool::name).toList();
            out.println("  tools/list -> " + String.join(", ", tools));
            expect(tools.size() == 5, "expected 5 tools, got " + tools);
            showCountry(McpClients.call(client, "get_country", Map.of("code", "ES")));
            showCountryList("list_countries_by_continent {continent: \"South America\"}",
                    McpClients.call(client, "list_countries_by_continent", Map.of("continent", "South America")));
            showCountryList("list_european_countries",
                    McpClients.call(client, "list_european_countries", Map.of()));
        }

        step(4, "What the GraphQL backend saw: its own log lines, and Baton's exchanges");
        List<String> aliceLines = awaitAudit(backend, l -> l.contains(" sub=alice "), 3);
        aliceLines.forEach(l -> out.println("  backend | " + l));
        expect(aliceLines.stream().allMatch(l -> l.contains("outcome=accepted") && l.contains("aud=backend ")
                && l.contains("backend-api:read")), "the backend did not see alice with a backend token");
        showExchanges("alice");

        step(5, "bob signs in and does the same; the backend sees bob, not alice and not a service account");
        String bob = as.signIn("bob", stack.mcpServer().resource());
        showVerifiedToken("bob's access token", bob, verifier);
        try (McpSyncClient client = McpClients.client(endpoint, bob)) {
            client.initialize();
            showCountry(McpClients.call(client, "get_country", Map.of("code", "NZ")));
            showCountryList("list_countries_by_continent {continent: \"OC\"}",
                    McpClients.call(client, "list_countries_by_continent", Map.of("continent", "OC")));
        }
        List<String> bobLines = awaitAudit(backend, l -> l.contains(" sub=bob "), 2);
        bobLines.forEach(l -> out.println("  backend | " + l));
        expect(bobLines.stream().allMatch(l -> l.contains("outcome=accepted") && l.contains("aud=backend ")),
                "the backend did not see bob with a backend token");
        showExchanges("bob");

        step(6, "The exchange cache: one token exchange per user, however many calls");
        ExchangeCacheStats after = stack.mcpServer().exchanger().cacheStats();
        long calls = countAudit(backend, l -> true) - backendLinesBefore;
        long loads = after.loads() - before.loads();
        out.println("  " + calls + " backend calls -> " + loads + " calls to the token endpoint"
                + " (cache: hits=" + (after.hits() - before.hits()) + " misses=" + (after.misses() - before.misses())
                + " loads=" + loads + " loadFailures=" + (after.loadFailures() - before.loadFailures())
                + " evictions=" + (after.evictions() - before.evictions()) + ")");
        expect(calls == 5 && loads == 2, "expected 5 backend calls and 2 exchanges, saw " + calls + " and " + loads);
        out.println("  Each entry is keyed by a hash of the user's token and lives until the earlier expiry of the");
        out.println("  exchanged token and the user's token (minus a skew); two users never share an entry.");

        step(7, "Tokens the MCP server refuses (the backend never hears of them)");
        int linesBeforeRefusals = countAudit(backend, l -> true);
        String otherAudience = as.mintMcpToken("alice", List.of("some-other-api"), List.of("mcp:tools:call"));
        showDecodedToken("a token for another API", otherAudience);
        Refusal wrongAudience = refusalOf(McpClients.client(endpoint, otherAudience));
        out.println("  <- HTTP " + wrongAudience.status() + "  WWW-Authenticate: " + wrongAudience.wwwAuthenticate());
        expect(wrongAudience.status() == 401 && "invalid_token".equals(wrongAudience.parameter("error").orElse(null)),
                "expected 401 invalid_token for the wrong audience");
        String noScope = as.mintMcpToken("alice", List.of("mcpserver"), List.of("openid", "profile"));
        showDecodedToken("a token without mcp:tools:call", noScope);
        Refusal insufficient = refusalOf(McpClients.client(endpoint, noScope));
        out.println("  <- HTTP " + insufficient.status() + "  WWW-Authenticate: " + insufficient.wwwAuthenticate());
        expect(insufficient.status() == 403
                        && "insufficient_scope".equals(insufficient.parameter("error").orElse(null)),
                "expected 403 insufficient_scope without mcp:tools:call");
        // Absence is checked after a later call's line has arrived: the backend writes its lines in
        // order, so a line for a refused call would be there by then.
        int aliceLinesBefore = countAudit(backend, l -> l.contains(" sub=alice "));
        try (McpSyncClient client = McpClients.client(endpoint, alice)) {
            client.initialize();
            expect(!Boolean.TRUE.equals(McpClients.call(client, "get_country", Map.of("code", "PT")).isError()),
                    "alice's call after the refusals failed");
        }
        awaitAudit(backend, l -> l.contains(" sub=alice "), aliceLinesBefore + 1);
        expect(countAudit(backend, l -> true) == linesBeforeRefusals + 1, "the backend received a refused call");
        out.println("  alice calls get_country once more: that call is the only new line in the backend's log.");
        out.println("  The backend logged nothing for the refused tokens: they never leave the MCP server.");
    }

    private void describeParts(ExampleStack stack) {
        EmbeddedAuthorizationServer as = stack.authorizationServer();
        out.println("  authorization server  " + as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID)
                + "  and  " + as.issuer(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID)
                + "   (mock-oauth2-server, two issuers like two Okta authorization servers)");
        out.println("  countries GraphQL API " + stack.backend().graphqlUrl()
                + "   (Apollo Server on Node; accepts aud=backend + backend-api:read only)");
        out.println("  countries MCP server  " + stack.mcpServer().endpoint()
                + "   (MCP Java SDK on Jetty; Baton: BearerTokenFilter in, TokenExchangeInterceptor out)");
    }

    private void printConnectionHelp(ExampleStack stack) throws IOException {
        EmbeddedAuthorizationServer as = stack.authorizationServer();
        String endpoint = stack.mcpServer().endpoint();
        boolean embedded = stack.config().issuer().equals(as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID));
        String tokenHint;
        if (embedded) {
            Path tokens = privateTempDirectory();
            tokens.toFile().deleteOnExit();
            for (String user : List.of("alice", "bob")) {
                Path file = privateFile(tokens.resolve(user + ".token"));
                file.toFile().deleteOnExit();
                Files.writeString(file, as.signIn(user, stack.mcpServer().resource()), StandardCharsets.US_ASCII);
            }
            out.println();
            out.println("Ready-made access tokens (valid one hour; never printed): " + tokens.resolve("alice.token")
                    + " and " + tokens.resolve("bob.token"));
            tokenHint = "the content of alice.token";
        } else {
            out.println();
            out.println("Tokens come from " + stack.config().issuer() + " (OIDC_ISSUER): sign in there.");
            tokenHint = "an access token from " + stack.config().issuer();
        }
        out.println();
        out.println("MCP Inspector:  npx @modelcontextprotocol/inspector");
        out.println("  Transport Type: Streamable HTTP    URL: " + endpoint);
        out.println("  Authentication -> Bearer Token: " + tokenHint + " (or try its OAuth flow; the");
        out.println("  authorization server is " + stack.config().issuer() + ")");
        out.println();
        out.println("VS Code: put this in .vscode/mcp.json, start the server, paste the token when asked:");
        out.println("""
                {
                  "inputs": [
                    { "type": "promptString", "id": "baton-token", "description": "Access token", "password": true }
                  ],
                  "servers": {
                    "countries": {
                      "type": "http",
                      "url": "%s",
                      "headers": { "Authorization": "Bearer ${input:baton-token}" }
                    }
                  }
                }""".formatted(endpoint));
        out.println("  (Or leave out \"headers\": VS Code then follows the 401's resource_metadata and signs you in at");
        out.println("  " + stack.config().issuer() + "; give a client id if it asks for one (any, for the embedded server).)");
        out.println();
        out.println("The backend's log lines appear below as \"backend | ...\"; Baton's audit log on logger dev.baton.audit.");
        out.println("Ctrl-C stops everything, the Node backend included.");
        out.println(RULE);
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

    private void showExchanges(String user) {
        List<ExchangeEvent> mine = new ArrayList<>();
        for (ExchangeEvent e : exchanges) {
            if (user.equals(e.subject())) {
                mine.add(e);
            }
        }
        long fromEndpoint = mine.stream().filter(e -> !e.fromCache()).count();
        for (ExchangeEvent e : mine) {
            out.println("  baton   | exchange sub=" + e.subject() + " client_id=" + e.clientId() + " aud=" + e.audiences()
                    + " scope=" + e.requestedScopes() + " outcome=" + e.outcome()
                    + (e.fromCache() ? " (from cache)" : " (token endpoint call)")
                    + " subject_token=" + e.subjectTokenFingerprint());
        }
        out.println("  -> " + mine.size() + " tool calls for " + user + ", " + fromEndpoint
                + " token exchange at the backend authorization server; the backend got a token with aud=backend,");
        out.println("    never " + user + "'s own token (aud=mcpserver).");
    }

    /** Verifies a token the MCP server will accept, as the server does, and prints its claims (never the token). */
    private ValidatedToken showVerifiedToken(String label, String token, TokenValidator verifier) throws DemoFailure {
        ValidatedToken t;
        try {
            t = verifier.validate(token);
        } catch (TokenValidationException e) {
            throw new DemoFailure(label + " does not pass the MCP server's checks: " + e.error().code()
                    + " (" + e.getMessage() + ")");
        }
        out.println("  " + label + " (fingerprint " + t.fingerprint()
                + "; verified as the MCP server verifies it; the token itself is never printed):");
        out.println("    iss=" + t.issuer() + "  sub=" + t.subject() + "  aud=" + t.audiences() + "  scopes=" + t.scopes()
                + "  client_id=" + t.clientId() + "  expires in " + secondsUntil(t.expiresAt()) + " s");
        return t;
    }

    /**
     * Prints the claims of a token the MCP server is about to refuse, decoded only: nothing about
     * them is verified, so they are shown as the JWT states them (never the token).
     */
    private void showDecodedToken(String label, String token) throws DemoFailure {
        JWTClaimsSet c;
        try {
            c = SignedJWT.parse(token).getJWTClaimsSet();
        } catch (ParseException e) {
            throw new DemoFailure(label + " is not a JWT");
        }
        Instant expiresAt = c.getExpirationTime() == null ? null : c.getExpirationTime().toInstant();
        out.println("  " + label + " (fingerprint " + ValidatedToken.fingerprintOf(token)
                + "; decoded, not verified; the token itself is never printed):");
        out.println("    iss=" + c.getIssuer() + "  sub=" + c.getSubject() + "  aud=" + c.getAudience()
                + "  scp=" + c.getClaim("scp") + "  client_id=" + c.getClaim("client_id")
                + "  expires in " + secondsUntil(expiresAt) + " s");
    }

    private static long secondsUntil(Instant instant) {
        return instant == null ? 0 : Duration.between(Instant.now(), instant).toSeconds();
    }

    private void showCountry(CallToolResult result) throws DemoFailure {
        String text = McpClients.text(result);
        expect(!Boolean.TRUE.equals(result.isError()), "get_country failed: " + text);
        JsonNode c = JSON.readTree(text);
        out.println("  tools/call get_country {code: \"" + c.path("code").asString() + "\"} -> " + c.path("name").asString()
                + ", capital " + c.path("capital").asString() + ", currency " + c.path("currency").asString()
                + ", continent " + c.path("continent").path("name").asString());
    }

    private void showCountryList(String call, CallToolResult result) throws DemoFailure {
        String text = McpClients.text(result);
        expect(!Boolean.TRUE.equals(result.isError()), call + " failed: " + text);
        JsonNode list = JSON.readTree(text);
        List<String> names = new ArrayList<>();
        list.forEach(c -> names.add(c.path("name").asString()));
        String shown = String.join(", ", names.subList(0, Math.min(6, names.size())))
                + (names.size() > 6 ? ", ..." : "");
        out.println("  tools/call " + call + " -> " + names.size() + " countries: " + shown);
        expect(!names.isEmpty(), call + " returned no country");
    }

    private static Refusal refusalOf(McpSyncClient client) throws DemoFailure {
        try (client) {
            client.initialize();
        } catch (RuntimeException e) {
            return McpClients.refusal(e).orElseThrow(() -> new DemoFailure("expected an HTTP refusal, got " + e));
        }
        throw new DemoFailure("the MCP server accepted a request it should have refused");
    }

    private JsonNode getJson(String url) throws IOException, InterruptedException, DemoFailure {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        expect(response.statusCode() == 200, "GET " + url + " answered " + response.statusCode());
        return JSON.readTree(response.body());
    }

    private static int countAudit(ApolloBackendProcess backend, Predicate<String> match) {
        return (int) backend.lines().stream().filter(l -> l.startsWith("APOLLO_AUDIT ")).filter(match).count();
    }

    private static List<String> awaitAudit(ApolloBackendProcess backend, Predicate<String> match, int count)
            throws InterruptedException, DemoFailure {
        try {
            return backend.awaitLines(l -> l.startsWith("APOLLO_AUDIT ") && match.test(l), count, LINE_TIMEOUT);
        } catch (TimeoutException e) {
            throw new DemoFailure(e.getMessage());
        }
    }

    private void header(String text) {
        out.println(RULE);
        out.println(text);
        out.println(RULE);
    }

    private void step(int number, String title) {
        out.println();
        out.println("[" + number + "] " + title);
    }

    private static void expect(boolean condition, String message) throws DemoFailure {
        if (!condition) {
            throw new DemoFailure(message);
        }
    }

    private static void closeQuietly(ExampleStack stack) {
        if (stack != null) {
            stack.close();
        }
    }

    /** A step that did not behave as the demo says it does. */
    static final class DemoFailure extends Exception {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }
}
