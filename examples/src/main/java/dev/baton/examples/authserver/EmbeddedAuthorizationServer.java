package dev.baton.examples.authserver;

import dev.baton.examples.client.OAuthSignIn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * The demo's authorization server: mock-oauth2-server on 127.0.0.1 with two issuers, standing in for
 * the two Okta custom authorization servers of the seed article.
 *
 * <ul>
 *   <li>{@code mcp}: users sign in with the authorization code flow, PKCE S256 and RFC 8707
 *       resource indicators, as MCP clients do (a login page where any user name is accepted);
 *       RFC 7591 registration is open. It behaves as an Okta custom authorization server with the
 *       scopes {@value #TOOLS_SCOPE} and {@value #DETAILS_SCOPE} does, where mock-oauth2-server
 *       alone would not ({@link McpIssuerRoute}): a request for exactly the scopes the MCP server's
 *       challenge advertises succeeds, with or without {@code openid}; the access token's
 *       {@code scp} holds the granted scopes, {@code aud} is always {@value #MCP_AUDIENCE};
 *       {@code offline_access} brings a refresh token, and refreshed tokens carry the same claims.</li>
 *   <li>{@code backend}: issues tokens by RFC 8693 token exchange only (every other grant, the
 *       authorization endpoint and its login page are refused), to the {@link #EXCHANGE_CLIENT_ID}
 *       client only, for subject tokens of the {@code mcp} issuer for {@code aud=mcpserver} only,
 *       when the request asks for {@code audience=backend}, the access-token subject token type and
 *       at most the scope {@code backend-api:read} ({@link TrustPolicyRoute}), and only with a
 *       DPoP proof carrying the server's nonce (RFC 9449, {@link DPoPExchangeRoute}, as Okta's
 *       default "Require DPoP"); the exchanged token keeps the user's {@code sub} and carries
 *       {@code aud=backend}, {@code scp=[backend-api:read]}, {@code client_id} of the exchanging
 *       client, an RFC 8693 §4.1 {@code act} claim naming it and {@code cnf.jkt}, the proof key's
 *       thumbprint. The response carries {@code issued_token_type} and {@code token_type=DPoP}
 *       (checked on the wire by the end-to-end tests).</li>
 * </ul>
 */
public final class EmbeddedAuthorizationServer implements AutoCloseable {
    /** The issuer id (path) of the MCP server's authorization server. */
    public static final String MCP_ISSUER_ID = "mcp";
    /** The issuer id (path) of the backend's authorization server. */
    public static final String BACKEND_ISSUER_ID = "backend";
    /** The audience of every access token of the {@code mcp} issuer (the MCP server's). */
    public static final String MCP_AUDIENCE = "mcpserver";
    /** The scope every tool call needs. */
    public static final String TOOLS_SCOPE = "mcp:tools:call";
    /** The wider scope the detailed-country tool needs (step-up). */
    public static final String DETAILS_SCOPE = "countries:details";
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
    /** How long the {@code backend} issuer's DPoP-bound access tokens are valid ({@code expires_in}). */
    public static final Duration BACKEND_TOKEN_LIFETIME = Duration.ofMinutes(5);
    /** How long the {@code mcp} issuer's access tokens are valid unless {@link #start(Duration, Clock)} says otherwise. */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

    private final MockOAuth2Server server;
    private final String baseUrl;
    private final OAuthSignIn client = new OAuthSignIn();

    private EmbeddedAuthorizationServer(MockOAuth2Server server, String baseUrl) {
        this.server = server;
        this.baseUrl = baseUrl;
    }

    /** Starts the server on 127.0.0.1 and an ephemeral port, with one-hour access tokens. */
    public static EmbeddedAuthorizationServer start() {
        return start(DEFAULT_TOKEN_LIFETIME, Clock.systemUTC());
    }

    /**
     * Starts the server with another lifetime of the {@code mcp} issuer's access and ID tokens, and
     * another clock for their {@code iat}, {@code nbf} and {@code exp} (tests of expiry and refresh).
     *
     * @throws IllegalArgumentException if the lifetime is not positive
     */
    public static EmbeddedAuthorizationServer start(Duration tokenLifetime, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        OAuth2Config config = OAuth2Config.Companion.fromJson(readConfig());
        TrustPolicyRoute trust = new TrustPolicyRoute(
                BACKEND_ISSUER_ID, EXCHANGE_CLIENT_ID, EXCHANGE_CLIENT_SECRET, MCP_AUDIENCE,
                BACKEND_AUDIENCE, Set.of(BACKEND_SCOPE));
        // The port, and so the issuer URL, is known once the server listens; the routes read it then.
        McpIssuerRoute.Deferred mcp = new McpIssuerRoute.Deferred();
        DPoPExchangeRoute dpop = new DPoPExchangeRoute(BACKEND_ISSUER_ID, BACKEND_AUDIENCE, List.of(BACKEND_SCOPE),
                BACKEND_TOKEN_LIFETIME, config.getTokenProvider());
        MockOAuth2Server server = new MockOAuth2Server(config, trust, dpop, mcp);
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
        try {
            OAuth2TokenProvider keys = server.getConfig().getTokenProvider();
            String mcpIssuer = as.issuer(MCP_ISSUER_ID);
            mcp.set(new McpIssuerRoute(mcpIssuer, MCP_ISSUER_ID,
                    new ScopePolicy(List.of(TOOLS_SCOPE, DETAILS_SCOPE), List.of(TOOLS_SCOPE)),
                    new TokenMinter(keys, mcpIssuer, MCP_ISSUER_ID, MCP_AUDIENCE, tokenLifetime, clock),
                    keys.getAlgorithm()));
            trust.trust(mcpIssuer, keys.publicJwkSet(MCP_ISSUER_ID));
            dpop.issuer(as.issuer(BACKEND_ISSUER_ID));
            return as;
        } catch (RuntimeException e) {
            server.shutdown();
            throw e;
        }
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
     * Signs {@code user} in at the {@code mcp} issuer for the scope the MCP server's challenge
     * advertises, {@value #TOOLS_SCOPE}; see {@link #signIn(String, String, String)}.
     *
     * @return the user's access token (for the MCP server)
     * @throws IOException if a step fails
     */
    public String signIn(String user, String resource) throws IOException {
        return signIn(user, resource, TOOLS_SCOPE);
    }

    /**
     * Signs {@code user} in at the {@code mcp} issuer the way an MCP client does, as client
     * {@value #SIGN_IN_CLIENT_ID}: the issuer's metadata, an authorization request with PKCE and the
     * RFC 8707 {@code resource}, the login page submitted with the user name, the authorization code
     * read from the redirect, then the token request with the code verifier ({@link OAuthSignIn}).
     *
     * @param scope the space-separated scopes to ask for, e.g. {@code "mcp:tools:call countries:details"}
     * @return the user's access token (for the MCP server)
     * @throws IOException if a step fails
     */
    public String signIn(String user, String resource, String scope) throws IOException {
        OAuthSignIn.Discovery discovery = client.discover(URI.create(resource), List.of(),
                URI.create(issuer(MCP_ISSUER_ID)));
        return client.signIn(discovery, SIGN_IN_CLIENT_ID, URI.create(SIGN_IN_REDIRECT_URI), scope, user).accessToken();
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
}
