package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.client.McpClients;
import dev.baton.examples.client.McpClients.Refusal;
import dev.baton.examples.client.OAuthSignIn;
import dev.baton.examples.client.OAuthSignIn.Discovery;
import dev.baton.examples.client.OAuthSignIn.Tokens;
import dev.baton.examples.countries.CountriesMcpServer;
import dev.baton.examples.countries.CountriesServerConfig;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A standard MCP client's own OAuth flow against the example, using only what the server
 * advertises: the 401 challenge's {@code resource_metadata} and {@code scope}, the RFC 9728
 * metadata, the authorization server's RFC 8414 metadata (its registration endpoint, its scopes),
 * then dynamic registration, authorization code + PKCE + {@code resource}, the token, tool calls
 * with the MCP Java SDK's client, expiry and refresh. No scope, client id or authorization server
 * URL is written here.
 *
 * <p>The stack is the example's (embedded authorization server, Node backend, countries MCP
 * server) with short-lived user tokens: the authorization server's clock runs behind by the MCP
 * server's clock skew ({@link TokenValidator.Builder#DEFAULT_CLOCK_SKEW}), so a token the MCP server
 * accepts stops being accepted {@link #TOKEN_LIFETIME} after it was issued.
 */
class OAuthSignInEndToEndTest {
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(8);
    /** How long the expiry of a token may take to show: its lifetime and a margin for a slow machine. */
    private static final Duration EXPIRY_DEADLINE = TOKEN_LIFETIME.plusSeconds(20);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final URI REDIRECT_URI = URI.create("http://127.0.0.1:33418/");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedAuthorizationServer as;
    private static ApolloBackendProcess backend;
    private static CountriesMcpServer server;
    private static String endpoint;
    private final OAuthSignIn oauth = new OAuthSignIn();

    @BeforeAll
    static void startStack() throws Exception {
        as = EmbeddedAuthorizationServer.start(TOKEN_LIFETIME,
                Clock.offset(Clock.systemUTC(), TokenValidator.Builder.DEFAULT_CLOCK_SKEW.negated()));
        backend = ApolloBackendProcess.start(ApolloBackendProcess.defaultDirectory(),
                as.issuer(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID), EmbeddedAuthorizationServer.BACKEND_AUDIENCE,
                List.of(EmbeddedAuthorizationServer.BACKEND_SCOPE), line -> { }, ExampleStack.BACKEND_START_TIMEOUT);
        server = CountriesMcpServer.start(CountriesServerConfig.defaults(
                as.issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID),
                as.tokenEndpoint(EmbeddedAuthorizationServer.BACKEND_ISSUER_ID),
                EmbeddedAuthorizationServer.EXCHANGE_CLIENT_ID, EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET,
                backend.graphqlUrl()), AuditListener.none());
        endpoint = server.endpoint();
    }

    @AfterAll
    static void stopStack() {
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (as != null) {
            as.close();
        }
    }

    @Test
    void challengeNamesTheResourceMetadataAndTheScope() {
        Refusal challenge = challenge();

        assertThat(challenge.status()).isEqualTo(401);
        assertThat(challenge.parameter("resource_metadata")).hasValueSatisfying(url -> assertThat(url).startsWith("http"));
        assertThat(challenge.parameter("scope")).hasValueSatisfying(scope -> assertThat(scope).isNotBlank());
    }

    @Test
    void resourceMetadataLeadsToAnAuthorizationServerForTheCodeFlowWithS256() throws Exception {
        Discovery discovery = oauth.discover(URI.create(challenge().parameter("resource_metadata").orElseThrow()));

        assertThat(discovery.resource()).isEqualTo(URI.create(endpoint));
        assertThat(discovery.metadata().getCodeChallengeMethods()).extracting(Object::toString).contains("S256");
        assertThat(discovery.metadata().getAuthorizationEndpointURI()).isNotNull();
        assertThat(discovery.metadata().getTokenEndpointURI()).isNotNull();
        assertThat(discovery.metadata().getRegistrationEndpointURI()).isNotNull();
    }

    @Test
    void signInForTheAdvertisedScopesAloneGivesATokenTheServerAccepts() throws Exception {
        Refusal challenge = challenge();
        Discovery discovery = oauth.discover(URI.create(challenge.parameter("resource_metadata").orElseThrow()));
        String scope = OAuthSignIn.scopeToRequest(challenge.parameter("scope").orElse(null), discovery);
        String clientId = oauth.register(discovery, "end-to-end test", REDIRECT_URI);

        Tokens tokens = oauth.signIn(discovery, clientId, REDIRECT_URI, scope, "alice");

        assertThat(scope).doesNotContain("openid");
        assertThat(tokens.scopes()).containsExactlyElementsOf(List.of(scope.split(" ")));
        try (McpSyncClient client = McpClients.client(endpoint, tokens.accessToken())) {
            client.initialize();
            CallToolResult result = McpClients.call(client, "get_country", Map.of("code", "NO"));

            assertThat(result.isError()).as(McpClients.text(result)).isFalse();
            assertThat(McpClients.text(result)).contains("Norway");
        }
    }

    @Test
    void expiredTokenIsRefusedAndTheRefreshedTokenCarriesOn() throws Exception {
        Refusal challenge = challenge();
        Discovery discovery = oauth.discover(URI.create(challenge.parameter("resource_metadata").orElseThrow()));
        String scope = OAuthSignIn.scopeToRequest(challenge.parameter("scope").orElse(null), discovery);
        String clientId = oauth.register(discovery, "end-to-end test", REDIRECT_URI);
        Tokens first = oauth.signIn(discovery, clientId, REDIRECT_URI, scope, "bob");
        assertThat(first.refreshToken()).as("a refresh token for offline_access, which the metadata lists").isNotNull();
        AtomicReference<String> current = new AtomicReference<>(first.accessToken());

        try (McpSyncClient client = McpClients.clientFor(endpoint, current::get)) {
            client.initialize();
            assertThat(McpClients.call(client, "get_country", Map.of("code", "SE")).isError()).isFalse();

            HttpResponse<String> expired = awaitRefusal(first.accessToken());
            assertThat(expired.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(h -> assertThat(h).contains("error=\"invalid_token\""));

            Tokens refreshed = oauth.refresh(discovery, clientId, first.refreshToken(), null);
            current.set(refreshed.accessToken());
            CallToolResult result = McpClients.call(client, "get_country", Map.of("code", "FI"));

            assertThat(result.isError()).as(McpClients.text(result)).isFalse();
            assertThat(McpClients.text(result)).contains("Finland");
            JWTClaimsSet before = SignedJWT.parse(first.accessToken()).getJWTClaimsSet();
            JWTClaimsSet after = SignedJWT.parse(refreshed.accessToken()).getJWTClaimsSet();
            assertThat(after.getSubject()).isEqualTo("bob");
            assertThat(after.getAudience()).isEqualTo(before.getAudience());
            assertThat(after.getStringListClaim("scp")).isEqualTo(before.getStringListClaim("scp"));
            assertThat(after.getStringClaim("client_id")).isEqualTo(clientId);
        }
    }

    /** An MCP request without a token, as a client's first request is: its refusal. */
    private static Refusal challenge() {
        McpSyncClient client = McpClients.client(endpoint, null);
        try (client) {
            Throwable failure = catchThrowable(client::initialize);
            return McpClients.refusal(failure).orElseThrow(() -> new AssertionError("not an HTTP refusal", failure));
        }
    }

    /**
     * Polls the MCP endpoint with {@code token} until the server refuses it with 401, within
     * {@link #EXPIRY_DEADLINE}; the pause between polls only spaces them out.
     */
    private static HttpResponse<String> awaitRefusal(String token) throws Exception {
        long deadline = System.nanoTime() + EXPIRY_DEADLINE.toNanos();
        while (true) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                return response;
            }
            assertThat(System.nanoTime()).as("the token is still accepted after %s", EXPIRY_DEADLINE).isLessThan(deadline);
            TimeUnit.NANOSECONDS.sleep(POLL_INTERVAL.toNanos());
        }
    }
}
