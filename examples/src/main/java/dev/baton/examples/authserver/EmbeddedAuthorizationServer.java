package dev.baton.examples.authserver;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo's authorization server: mock-oauth2-server on 127.0.0.1 with two issuers, standing in for
 * the two Okta custom authorization servers of the seed article.
 *
 * <ul>
 *   <li>{@code mcp}: users sign in with the authorization code flow and PKCE (an interactive login
 *       page where any user name is accepted); their access tokens carry {@code aud=mcpserver} and
 *       {@code scp=[mcp:tools:call]}.</li>
 *   <li>{@code backend}: issues tokens by RFC 8693 token exchange only (every other grant, the
 *       authorization endpoint and its login page are refused), to the {@link #EXCHANGE_CLIENT_ID}
 *       client only, for subject tokens of the {@code mcp} issuer for {@code aud=mcpserver} only,
 *       when the request asks for {@code audience=backend}, the access-token subject token type and
 *       at most the scope {@code backend-api:read} ({@link TrustPolicyRoute}); the
 *       exchanged token keeps the user's {@code sub} and carries {@code aud=backend},
 *       {@code scp=[backend-api:read]}, {@code client_id} of the exchanging client and an RFC 8693
 *       §4.1 {@code act} claim naming it. The response carries {@code issued_token_type} and
 *       {@code token_type=Bearer} (checked on the wire by the end-to-end tests).</li>
 * </ul>
 *
 * <p>The claims come from mock-oauth2-server's JSON configuration ({@code /embedded-as.json}),
 * its {@code requestMappings} matched on {@code grant_type}.
 */
public final class EmbeddedAuthorizationServer implements AutoCloseable {
    /** The issuer id (path) of the MCP server's authorization server. */
    public static final String MCP_ISSUER_ID = "mcp";
    /** The issuer id (path) of the backend's authorization server. */
    public static final String BACKEND_ISSUER_ID = "backend";
    /** The only audience the backend issuer mints tokens for (RFC 8693 {@code audience}). */
    public static final String BACKEND_AUDIENCE = "backend";
    /** The only scope the backend issuer grants. */
    public static final String BACKEND_SCOPE = "backend-api:read";
    /** The client the MCP server authenticates as when it exchanges tokens (an "API Services" app in Okta). */
    public static final String EXCHANGE_CLIENT_ID = "countries-mcp-server";
    /** Its secret: a fixed, public demo value, never a real credential. */
    public static final String EXCHANGE_CLIENT_SECRET = "demo-exchange-secret";
    /** The client id the demo's MCP client signs in with (a VS Code-like public client). */
    public static final String SIGN_IN_CLIENT_ID = "vscode";
    /** A loopback redirect URI like VS Code's; nothing listens there, the demo reads the redirect itself. */
    public static final String SIGN_IN_REDIRECT_URI = "http://127.0.0.1:33418/";

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MockOAuth2Server server;
    private final String baseUrl;
    private final HttpClient http;

    private EmbeddedAuthorizationServer(MockOAuth2Server server, String baseUrl) {
        this.server = server;
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder()
                .connectTimeout(HTTP_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Starts the server on 127.0.0.1 and an ephemeral port. */
    public static EmbeddedAuthorizationServer start() {
        OAuth2Config config = OAuth2Config.Companion.fromJson(readConfig());
        TrustPolicyRoute trust = new TrustPolicyRoute(
                BACKEND_ISSUER_ID, EXCHANGE_CLIENT_ID, EXCHANGE_CLIENT_SECRET, "mcpserver",
                BACKEND_AUDIENCE, Set.of(BACKEND_SCOPE));
        MockOAuth2Server server = new MockOAuth2Server(config, trust);
        InetAddress loopback;
        try {
            // A literal address, so that issuer URLs say 127.0.0.1 (no reverse lookup to "localhost").
            loopback = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        server.start(loopback, 0);
        String base = "http://127.0.0.1:" + server.url("/").port();
        EmbeddedAuthorizationServer as = new EmbeddedAuthorizationServer(server, base);
        trust.trust(as.issuer(MCP_ISSUER_ID), server.getConfig().getTokenProvider().publicJwkSet(MCP_ISSUER_ID));
        return as;
    }

    private static String readConfig() {
        try (var in = EmbeddedAuthorizationServer.class.getResourceAsStream("/embedded-as.json")) {
            if (in == null) {
                throw new IllegalStateException("embedded-as.json is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read embedded-as.json", e);
        }
    }

    /** The issuer identifier of {@code issuerId}, e.g. {@code http://127.0.0.1:41234/mcp}. */
    public String issuer(String issuerId) {
        return baseUrl + "/" + issuerId;
    }

    /** The token endpoint of {@code issuerId}. */
    public String tokenEndpoint(String issuerId) {
        return issuer(issuerId) + "/token";
    }

    /**
     * Signs {@code user} in at the {@code mcp} issuer the way an MCP client does: an authorization
     * request with PKCE (S256) and the RFC 8707 {@code resource} of the MCP server, the login form
     * submitted with the user name, the authorization code read from the redirect, then the token
     * request with the code verifier.
     *
     * @return the user's access token (for the MCP server)
     * @throws IOException if a step fails
     */
    public String signIn(String user, String resource) throws IOException {
        // RFC 7636 §4.1-4.2: a fresh random verifier, sent as its S256 challenge.
        CodeVerifier verifier = new CodeVerifier();
        String state = new State().getValue();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", SIGN_IN_CLIENT_ID);
        query.put("redirect_uri", SIGN_IN_REDIRECT_URI);
        query.put("scope", "openid mcp:tools:call");
        query.put("state", state);
        query.put("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
        query.put("code_challenge_method", "S256");
        query.put("resource", resource);
        URI authorize = URI.create(issuer(MCP_ISSUER_ID) + "/authorize?" + form(query));

        HttpResponse<String> loginPage = send(HttpRequest.newBuilder(authorize).GET());
        if (loginPage.statusCode() != 200) {
            throw new IOException("the authorization endpoint answered " + loginPage.statusCode());
        }
        HttpResponse<String> redirect = send(HttpRequest.newBuilder(authorize)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user)))));
        String location = redirect.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("no redirect after login (status " + redirect.statusCode() + ")"));
        Map<String, String> callback = parseQuery(URI.create(location).getRawQuery());
        if (!state.equals(callback.get("state"))) {
            throw new IOException("the state of the redirect does not match the request");
        }
        String code = Objects.requireNonNull(callback.get("code"), "no authorization code in the redirect");

        Map<String, String> tokenForm = new LinkedHashMap<>();
        tokenForm.put("grant_type", "authorization_code");
        tokenForm.put("code", code);
        tokenForm.put("redirect_uri", SIGN_IN_REDIRECT_URI);
        tokenForm.put("client_id", SIGN_IN_CLIENT_ID);
        tokenForm.put("code_verifier", verifier.getValue());
        tokenForm.put("resource", resource);
        HttpResponse<String> tokens = send(HttpRequest.newBuilder(URI.create(tokenEndpoint(MCP_ISSUER_ID)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(tokenForm))));
        if (tokens.statusCode() != 200) {
            throw new IOException("the token endpoint answered " + tokens.statusCode());
        }
        JsonNode json = JSON.readTree(tokens.body());
        JsonNode accessToken = json.get("access_token");
        if (accessToken == null || !accessToken.isString()) {
            throw new IOException("no access_token in the token response");
        }
        return accessToken.asString();
    }

    /**
     * Mints a token signed by the {@code mcp} issuer with the given audience and scopes, without a
     * sign-in: what a client gets when it asked for another API, or was not granted the MCP scope.
     * For the demo's failure cases only.
     */
    public String mintMcpToken(String subject, List<String> audience, List<String> scopes) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("scp", List.copyOf(scopes));
        claims.put("client_id", SIGN_IN_CLIENT_ID);
        return server.issueToken(MCP_ISSUER_ID, SIGN_IN_CLIENT_ID,
                new DefaultOAuth2TokenCallback(MCP_ISSUER_ID, subject, "JWT", List.copyOf(audience), claims, 3600))
                .serialize();
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.shutdown();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(HTTP_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String form(Map<String, String> params) {
        StringJoiner joiner = new StringJoiner("&");
        params.forEach((k, v) -> joiner.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return joiner.toString();
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(java.net.URLDecoder.decode(key, StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return out;
    }
}
