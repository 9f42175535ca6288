package dev.baton.examples;

import static dev.baton.examples.DemoConsole.awaitAudit;
import static dev.baton.examples.DemoConsole.countAudit;
import static dev.baton.examples.DemoConsole.expect;
import static dev.baton.examples.DemoConsole.refusalOf;

import dev.baton.DPoPKey;
import dev.baton.ExchangeCacheStats;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.ExchangeEvent;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.client.McpClients;
import dev.baton.examples.client.McpClients.Refusal;
import dev.baton.examples.countries.CountriesTools;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The demo's scripted session, step by step: discovery from the 401, alice's and bob's sign-in and
 * tool calls, what the backend and Baton saw, the exchange cache, refused tokens, bob's step-up to
 * {@value CountriesTools#DETAILS_SCOPE}, MCP sessions bound to their user, and the exchanged
 * token's DPoP binding (a stolen copy refused by the backend). Each step checks what it prints and
 * fails the demo otherwise.
 */
final class DemoStory {
    /** How many steps {@link #play()} plays. */
    static final int STEPS = 10;

    private static final String TOOLS_SCOPE = EmbeddedAuthorizationServer.TOOLS_SCOPE;
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private final DemoConsole c;
    private final ExampleStack stack;
    private final TokenValidator verifier;
    private final List<ExchangeEvent> exchanges;
    private final EmbeddedAuthorizationServer as;
    private final ApolloBackendProcess backend;
    private final String endpoint;
    private final String resource;

    /**
     * @param exchanges Baton's exchange events as the MCP server records them, read as the story goes
     */
    DemoStory(DemoConsole console, ExampleStack stack, TokenValidator verifier, List<ExchangeEvent> exchanges) {
        this.c = console;
        this.stack = stack;
        this.verifier = verifier;
        this.exchanges = exchanges;
        this.as = stack.authorizationServer();
        this.backend = stack.backend();
        this.endpoint = stack.mcpServer().endpoint();
        this.resource = stack.mcpServer().resource();
    }

    void play() throws Exception {
        discovery();
        String alice = aliceSignsIn();
        int backendLinesBefore = countAudit(backend, l -> true);
        ExchangeCacheStats before = stack.mcpServer().exchanger().cacheStats();
        aliceCallsTools(alice);
        bobDoesTheSame();
        exchangeCache(before, backendLinesBefore);
        refusedTokens(alice);
        bobStepsUp();
        sessionsBelongToTheirUser(alice);
        stolenTokenIsUseless(alice);
    }

    private void discovery() throws Exception {
        c.step(1, "An MCP client calls the MCP server without a token");
        Refusal noToken = refusalOf(McpClients.client(endpoint, null));
        c.println("  POST " + endpoint + " (initialize), no Authorization header");
        c.println("  <- HTTP " + noToken.status() + "  WWW-Authenticate: " + noToken.wwwAuthenticate());
        expect(noToken.status() == 401, "expected 401 without a token, got " + noToken.status());
        String metadataUrl = noToken.parameter("resource_metadata")
                .orElseThrow(() -> new DemoFailure("the challenge has no resource_metadata"));
        JsonNode metadata = c.getJson(metadataUrl);
        c.println("  GET  " + metadataUrl + "  (RFC 9728 protected resource metadata)");
        c.println("  <- resource=" + metadata.path("resource").asString()
                + "  authorization_servers=" + metadata.path("authorization_servers")
                + "  scopes_supported=" + metadata.path("scopes_supported"));
        String authServer = metadata.path("authorization_servers").path(0).asString();
        JsonNode asMetadata = c.getJson(authServer + "/.well-known/openid-configuration");
        c.println("  GET  " + authServer + "/.well-known/openid-configuration");
        c.println("  <- authorization_endpoint=" + asMetadata.path("authorization_endpoint").asString()
                + "  token_endpoint=" + asMetadata.path("token_endpoint").asString());
        expect(authServer.equals(as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID)),
                "the metadata names another authorization server: " + authServer);
        c.println("  -> the client now knows where its user must sign in: " + authServer);
    }

    private String aliceSignsIn() throws Exception {
        c.step(2, "alice signs in (authorization code + PKCE at the MCP authorization server)");
        String alice = as.signIn("alice", resource);
        ValidatedToken aliceToken = c.showVerifiedToken("alice's access token", alice, verifier);
        expect(aliceToken.audiences().contains("mcpserver") && aliceToken.scopes().contains(TOOLS_SCOPE),
                "alice's token lacks aud=mcpserver or " + TOOLS_SCOPE);
        return alice;
    }

    private void aliceCallsTools(String alice) throws Exception {
        c.step(3, "alice lists the tools and calls them (each call goes to the GraphQL API as alice)");
        try (McpSyncClient client = McpClients.client(endpoint, alice)) {
            client.initialize();
            List<String> tools = client.listTools().tools().stream().map(Tool::name).toList();
            c.println("  tools/list -> " + String.join(", ", tools));
            expect(tools.size() == 5, "expected 5 tools, got " + tools);
            c.showCountry("get_country", McpClients.call(client, "get_country", Map.of("code", "ES")));
            c.showCountryList("list_countries_by_continent {continent: \"South America\"}",
                    McpClients.call(client, "list_countries_by_continent", Map.of("continent", "South America")));
            c.showCountryList("list_european_countries",
                    McpClients.call(client, "list_european_countries", Map.of()));
        }

        c.step(4, "What the GraphQL backend saw: its own log lines, and Baton's exchanges");
        List<String> aliceLines = awaitAudit(backend, l -> l.contains(" sub=alice "), 3);
        aliceLines.forEach(l -> c.println("  backend | " + l));
        expect(aliceLines.stream().allMatch(l -> l.contains("outcome=accepted") && l.contains("aud=backend ")
                && l.contains("backend-api:read")), "the backend did not see alice with a backend token");
        c.showExchanges(exchanges, "alice");
    }

    private void bobDoesTheSame() throws Exception {
        c.step(5, "bob signs in and does the same; the backend sees bob, not alice and not a service account");
        String bob = as.signIn("bob", resource);
        c.showVerifiedToken("bob's access token", bob, verifier);
        try (McpSyncClient client = McpClients.client(endpoint, bob)) {
            client.initialize();
            c.showCountry("get_country", McpClients.call(client, "get_country", Map.of("code", "NZ")));
            c.showCountryList("list_countries_by_continent {continent: \"OC\"}",
                    McpClients.call(client, "list_countries_by_continent", Map.of("continent", "OC")));
        }
        List<String> bobLines = awaitAudit(backend, l -> l.contains(" sub=bob "), 2);
        bobLines.forEach(l -> c.println("  backend | " + l));
        expect(bobLines.stream().allMatch(l -> l.contains("outcome=accepted") && l.contains("aud=backend ")),
                "the backend did not see bob with a backend token");
        c.showExchanges(exchanges, "bob");
    }

    private void exchangeCache(ExchangeCacheStats before, int backendLinesBefore) throws DemoFailure {
        c.step(6, "The exchange cache: one token exchange per user, however many calls");
        ExchangeCacheStats after = stack.mcpServer().exchanger().cacheStats();
        long calls = countAudit(backend, l -> true) - backendLinesBefore;
        long loads = after.loads() - before.loads();
        c.println("  " + calls + " backend calls -> " + loads + " calls to the token endpoint"
                + " (cache: hits=" + (after.hits() - before.hits()) + " misses=" + (after.misses() - before.misses())
                + " loads=" + loads + " loadFailures=" + (after.loadFailures() - before.loadFailures())
                + " evictions=" + (after.evictions() - before.evictions()) + ")");
        expect(calls == 5 && loads == 2, "expected 5 backend calls and 2 exchanges, saw " + calls + " and " + loads);
        c.println("  Each entry is keyed by a hash of the user's token and lives until the earlier expiry of the");
        c.println("  exchanged token and the user's token (minus a skew); two users never share an entry.");
    }

    private void refusedTokens(String alice) throws Exception {
        c.step(7, "Tokens the MCP server refuses (the backend never hears of them)");
        int linesBeforeRefusals = countAudit(backend, l -> true);
        String otherAudience = as.mintMcpToken("alice", List.of("some-other-api"), List.of(TOOLS_SCOPE));
        c.showDecodedToken("a token for another API", otherAudience);
        Refusal wrongAudience = refusalOf(McpClients.client(endpoint, otherAudience));
        c.println("  <- HTTP " + wrongAudience.status() + "  WWW-Authenticate: " + wrongAudience.wwwAuthenticate());
        expect(wrongAudience.status() == 401 && "invalid_token".equals(wrongAudience.parameter("error").orElse(null)),
                "expected 401 invalid_token for the wrong audience");
        String noScope = as.mintMcpToken("alice", List.of("mcpserver"), List.of("openid", "profile"));
        c.showDecodedToken("a token without " + TOOLS_SCOPE, noScope);
        Refusal insufficient = refusalOf(McpClients.client(endpoint, noScope));
        c.println("  <- HTTP " + insufficient.status() + "  WWW-Authenticate: " + insufficient.wwwAuthenticate());
        expect(insufficient.status() == 403
                        && "insufficient_scope".equals(insufficient.parameter("error").orElse(null)),
                "expected 403 insufficient_scope without " + TOOLS_SCOPE);
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
        c.println("  alice calls get_country once more: that call is the only new line in the backend's log.");
        c.println("  The backend logged nothing for the refused tokens: they never leave the MCP server.");
    }

    private void bobStepsUp() throws Exception {
        String tool = CountriesTools.DETAILS_TOOL;
        String detailsScope = CountriesTools.DETAILS_SCOPE;
        c.step(8, "Step-up: " + tool + " needs " + detailsScope + " besides " + TOOLS_SCOPE);
        String base = as.signIn("bob", resource, TOOLS_SCOPE);
        ValidatedToken baseToken = c.showVerifiedToken("bob's access token, signed in for " + TOOLS_SCOPE + " only",
                base, verifier);
        expect(baseToken.scopes().contains(TOOLS_SCOPE) && !baseToken.scopes().contains(detailsScope),
                "bob's first token should carry " + TOOLS_SCOPE + " without " + detailsScope);
        int linesBefore = countAudit(backend, l -> true);
        int exchangesBefore = exchanges.size();
        Refusal challenge;
        try (McpSyncClient client = McpClients.client(endpoint, base)) {
            client.initialize();
            c.println("  tools/call " + tool + " {code: \"JP\"}");
            challenge = refusalOf(() -> McpClients.call(client, tool, Map.of("code", "JP")));
        }
        c.println("  <- HTTP " + challenge.status() + "  WWW-Authenticate: " + challenge.wwwAuthenticate());
        expect(challenge.status() == 403 && "insufficient_scope".equals(challenge.parameter("error").orElse(null))
                        && challenge.parameter("resource_metadata").isPresent(),
                "expected 403 insufficient_scope with resource_metadata, got " + challenge.status());
        String scope = challenge.parameter("scope")
                .orElseThrow(() -> new DemoFailure("the 403 challenge has no scope"));
        expect(List.of(scope.split(" ")).containsAll(List.of(TOOLS_SCOPE, detailsScope)),
                "the challenge should list what bob has plus what he lacks, lists \"" + scope + "\"");
        // The tool's only work is a backend call through the interceptor: no exchange means it did not run.
        expect(exchanges.size() == exchangesBefore, "the refused call reached the tool: Baton exchanged bob's token");
        c.println("  -> The challenge lists what bob has plus what he lacks; his client signs him in again for exactly");
        c.println("     these scopes (step-up). The tool did not run (no token exchange); the backend heard nothing.");

        String wider = as.signIn("bob", resource, scope);
        ValidatedToken widerToken = c.showVerifiedToken("bob's new access token, signed in for \"" + scope + "\"",
                wider, verifier);
        expect(widerToken.scopes().containsAll(List.of(TOOLS_SCOPE, detailsScope)),
                "bob's new token lacks " + TOOLS_SCOPE + " or " + detailsScope + ": " + widerToken.scopes());
        try (McpSyncClient client = McpClients.client(endpoint, wider)) {
            client.initialize();
            c.showCountry(tool, McpClients.call(client, tool, Map.of("code", "JP")));
        }
        String line = awaitAudit(backend, l -> l.contains(" sub=bob ") && l.endsWith("operation=GetCountryDetails"), 1)
                .get(0);
        c.println("  backend | " + line);
        expect(line.contains("outcome=accepted") && line.contains("aud=backend "),
                "the backend did not see bob's detailed call with a backend token");
        // The backend logs in order: a line for the refused call would be there before this one.
        expect(countAudit(backend, l -> true) == linesBefore + 1, "the backend received bob's refused call");
        c.println("  -> That is the backend's only new line: the refused call never reached it.");
    }

    private void sessionsBelongToTheirUser(String alice) throws Exception {
        c.step(9, "An MCP session belongs to the user who opened it; a foreign web page is refused");
        HttpResponse<String> init = c.post(endpoint, alice, INITIALIZE);
        String session = init.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new DemoFailure("alice's initialize got no Mcp-Session-Id"));
        expect(init.statusCode() == 200, "alice's initialize answered " + init.statusCode());
        c.println("  POST initialize with alice's token -> HTTP " + init.statusCode() + "  Mcp-Session-Id: "
                + session.substring(0, Math.min(8, session.length())) + "...");
        int initialized = c.post(endpoint, alice, INITIALIZED, "Mcp-Session-Id", session).statusCode();
        expect(initialized / 100 == 2, "alice's notifications/initialized answered " + initialized);

        String bob = as.signIn("bob", resource);
        int linesBefore = countAudit(backend, l -> true);
        int aliceLinesBefore = countAudit(backend, l -> l.contains(" sub=alice "));
        c.println("  POST tools/call get_country {code: \"ES\"} with bob's token in alice's session");
        HttpResponse<String> asBob = c.post(endpoint, bob, getCountry("ES"), "Mcp-Session-Id", session);
        String bobError = DemoConsole.JSON.readTree(asBob.body()).path("error").path("message").asString();
        c.println("  <- HTTP " + asBob.statusCode() + "  error: " + bobError);
        expect(asBob.statusCode() == 404 && "Session not found".equals(bobError),
                "expected 404 Session not found for bob in alice's session, got " + asBob.statusCode());
        HttpResponse<String> asAlice = c.post(endpoint, alice, getCountry("FR"), "Mcp-Session-Id", session);
        expect(asAlice.statusCode() == 200 && asAlice.body().contains("France"),
                "alice's own session failed her: " + asAlice.statusCode());
        c.println("  the same call with alice's token in her session -> HTTP 200 (France)");
        awaitAudit(backend, l -> l.contains(" sub=alice "), aliceLinesBefore + 1);
        // The backend logs in order: a line for bob's request would be there before alice's.
        expect(countAudit(backend, l -> true) == linesBefore + 1, "the backend received a call in alice's session as bob");
        c.println("  -> bob's request was answered as an unknown session: nothing ran as bob (alice's call is the");
        c.println("     backend's only new line). The token is checked on every request; the session is no credential.");

        HttpResponse<String> foreign = c.post(endpoint, alice, INITIALIZE, "Origin", "http://evil.example");
        boolean noSession = foreign.headers().firstValue("Mcp-Session-Id").isEmpty();
        c.println("  POST initialize with alice's token and Origin: http://evil.example -> HTTP " + foreign.statusCode()
                + (noSession ? ", no session" : ", a session"));
        expect(foreign.statusCode() == 403 && noSession, "expected 403 and no session for a foreign Origin, got "
                + foreign.statusCode());
        c.println("  -> a page on another site cannot use the MCP server through the user's browser (DNS rebinding).");
    }

    /**
     * Step 10: the token Baton got for alice is DPoP-bound (RFC 9449) to the MCP server's key, so
     * replayed by someone who stole it (a log line, a heap dump) the backend refuses it.
     */
    private void stolenTokenIsUseless(String alice) throws Exception {
        c.step(10, "DPoP: the exchanged token is bound to the MCP server's key; a stolen copy is refused");
        TokenExchanger exchanger = stack.mcpServer().exchanger();
        ExchangedToken token = exchanger.exchange(ExchangeRequest.builder()
                .subjectToken(verifier.validate(alice))
                .audience(stack.config().exchangeAudience())
                .scopes(stack.config().exchangeScopes().toArray(String[]::new))
                .build());
        String jkt = exchanger.dpopKey().orElseThrow(() -> new DemoFailure("the MCP server does not use DPoP"))
                .thumbprint();
        c.println("  alice's exchanged token: token_type=" + token.tokenType() + ", cnf.jkt=" + jkt + " (the MCP"
                + " server's key), fingerprint " + ValidatedToken.fingerprintOf(token.accessToken()));
        expect(token.isDPoPBound() && token.dpopKeyThumbprint().orElse("").equals(jkt),
                "the exchanged token is not bound to the MCP server's DPoP key");
        int linesBefore = countAudit(backend, l -> true);
        URI graphql = URI.create(stack.config().graphqlUrl());
        String query = "{\"query\":\"{ country(code: \\\"FR\\\") { name } }\"}";
        HttpResponse<String> asBearer = c.postJson(graphql, "Bearer " + token.accessToken(), null, query);
        c.println("  replayed as 'Authorization: Bearer <token>'          -> HTTP " + asBearer.statusCode() + "  "
                + asBearer.headers().firstValue("WWW-Authenticate").orElse(""));
        HttpResponse<String> noProof = c.postJson(graphql, "DPoP " + token.accessToken(), null, query);
        c.println("  replayed as 'DPoP <token>' without a proof            -> HTTP " + noProof.statusCode() + "  "
                + noProof.headers().firstValue("WWW-Authenticate").orElse(""));
        DPoPKey thief = DPoPKey.generate();
        HttpResponse<String> otherKey = c.postJson(graphql, "DPoP " + token.accessToken(),
                thief.proof("POST", graphql, token.accessToken(), null), query);
        c.println("  replayed with a valid proof of the thief's own key    -> HTTP " + otherKey.statusCode() + "  "
                + otherKey.headers().firstValue("WWW-Authenticate").orElse(""));
        expect(asBearer.statusCode() == 401 && noProof.statusCode() == 401 && otherKey.statusCode() == 401,
                "the backend accepted the exchanged token without the MCP server's key");
        List<String> refused = awaitAudit(backend, l -> true, linesBefore + 3).subList(linesBefore, linesBefore + 3);
        refused.forEach(l -> c.println("  backend | " + l));
        expect(refused.stream().allMatch(l -> l.contains("outcome=rejected")), "the backend did not reject the replays");
        c.println("  -> only the MCP server, which holds the key, can use the token: each of its calls carries a fresh");
        c.println("     proof (method, URL, time, the token's hash) signed by that key, and a proof is used once.");
        long nonceChallenges = backend.lines().stream().filter(l -> l.startsWith("APOLLO_DPOP_NONCE ")).count();
        expect(nonceChallenges >= 1, "the backend never asked for its DPoP nonce");
        c.println("  The backend also requires its own nonce in proofs: its first answer to the MCP server was 401");
        c.println("  use_dpop_nonce with a DPoP-Nonce header, and Baton sent that call once more with the nonce");
        c.println("  (" + nonceChallenges + " such challenge" + (nonceChallenges == 1 ? "" : "s") + " in this run).");
    }

    private static String getCountry(String code) {
        return "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"get_country\","
                + "\"arguments\":{\"code\":\"" + code + "\"}}}";
    }
}
