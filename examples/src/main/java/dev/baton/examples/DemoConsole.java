package dev.baton.examples;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.ExchangeEvent;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.client.McpClients;
import dev.baton.examples.client.McpClients.Refusal;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the demo's steps print and check with: the story's layout, tokens shown by their claims
 * (never the token), tool results, Baton's exchanges, raw HTTP requests and the backend's log
 * lines. Every check that fails ends the demo with a {@link DemoFailure}.
 */
final class DemoConsole {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration LINE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final String RULE = "-".repeat(96);

    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    DemoConsole(PrintStream out) {
        this.out = out;
    }

    void println(String line) {
        out.println(line);
    }

    void println() {
        out.println();
    }

    void rule() {
        out.println(RULE);
    }

    void header(String text) {
        out.println(RULE);
        out.println(text);
        out.println(RULE);
    }

    void step(int number, String title) {
        out.println();
        out.println("[" + number + "] " + title);
    }

    static void expect(boolean condition, String message) throws DemoFailure {
        if (!condition) {
            throw new DemoFailure(message);
        }
    }

    /** Verifies a token the MCP server will accept, as the server does, and prints its claims (never the token). */
    ValidatedToken showVerifiedToken(String label, String token, TokenValidator verifier) throws DemoFailure {
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
    void showDecodedToken(String label, String token) throws DemoFailure {
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

    /** Prints a {@code get_country} or {@code get_country_details} result; the latter with its continent's countries. */
    void showCountry(String tool, CallToolResult result) throws DemoFailure {
        String text = McpClients.text(result);
        expect(!Boolean.TRUE.equals(result.isError()), tool + " failed: " + text);
        JsonNode c = JSON.readTree(text);
        JsonNode continent = c.path("continent");
        JsonNode neighbours = continent.path("countries");
        out.println("  tools/call " + tool + " {code: \"" + c.path("code").asString() + "\"} -> " + c.path("name").asString()
                + ", capital " + c.path("capital").asString() + ", currency " + c.path("currency").asString()
                + ", continent " + continent.path("name").asString()
                + (neighbours.isArray() ? " (" + neighbours.size() + " countries)" : ""));
    }

    void showCountryList(String call, CallToolResult result) throws DemoFailure {
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

    /** Prints Baton's exchanges for {@code user}'s tool calls, each from the cache or the token endpoint. */
    void showExchanges(List<ExchangeEvent> exchanges, String user) {
        List<ExchangeEvent> mine = exchanges.stream().filter(e -> user.equals(e.subject())).toList();
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

    /** Initializes {@code client} (then closes it), expecting the MCP server to refuse it over HTTP. */
    static Refusal refusalOf(McpSyncClient client) throws DemoFailure {
        try (client) {
            return refusalOf(client::initialize);
        }
    }

    /** Runs an MCP client call, expecting the MCP server to refuse it over HTTP (401 or 403). */
    static Refusal refusalOf(Runnable call) throws DemoFailure {
        try {
            call.run();
        } catch (RuntimeException e) {
            return McpClients.refusal(e).orElseThrow(() -> new DemoFailure("expected an HTTP refusal, got " + e));
        }
        throw new DemoFailure("the MCP server accepted a request it should have refused");
    }

    JsonNode getJson(String url) throws IOException, InterruptedException, DemoFailure {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        expect(response.statusCode() == 200, "GET " + url + " answered " + response.statusCode());
        return JSON.readTree(response.body());
    }

    /**
     * A raw MCP POST (JSON-RPC {@code body}) with {@code token} as bearer token and extra
     * {@code headers} given as name, value, name, value...
     */
    HttpResponse<String> post(String endpoint, String token, String body, String... headers)
            throws IOException, InterruptedException {
        return McpClients.post(http, endpoint, token, body, headers);
    }

    /**
     * POSTs a JSON body to {@code url} with the given {@code Authorization} value and, when not
     * null, a {@code DPoP} proof: the demo's stolen-token replays.
     */
    HttpResponse<String> postJson(java.net.URI url, String authorization, String dpop, String body)
            throws IOException, InterruptedException {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (dpop != null) {
            request.header("DPoP", dpop);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static int countAudit(ApolloBackendProcess backend, Predicate<String> match) {
        return (int) backend.lines().stream().filter(l -> l.startsWith("APOLLO_AUDIT ")).filter(match).count();
    }

    /** Waits (bounded) until the backend has logged {@code count} audit lines matching {@code match}; returns them. */
    static List<String> awaitAudit(ApolloBackendProcess backend, Predicate<String> match, int count)
            throws InterruptedException, DemoFailure {
        try {
            return backend.awaitLines(l -> l.startsWith("APOLLO_AUDIT ") && match.test(l), count, LINE_TIMEOUT);
        } catch (TimeoutException e) {
            throw new DemoFailure(e.getMessage());
        }
    }
}
