package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.ValidationEvent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filter's HTTP behaviour in real containers, with a scripted validator so each validator
 * outcome (including the ones a real validator should never produce) can be provoked. The same
 * suite runs in Jetty 12 (ee10) and Tomcat 11.
 */
@ClassTemplate
class BearerTokenFilterTest {
    static final String ISSUER = "https://idp.example.com/oauth2/mcp";
    static final String QUOTED = "the \"kid\" names no key \\ known";

    @RegisterExtension
    static final Containers containers = Containers.withSwappableFilter();

    Containers.Running server;
    RecordingServlet app;
    SwappableFilter front;

    final AtomicInteger validations = new AtomicInteger();
    final AtomicReference<AuditContext> context = new AtomicReference<>();
    final List<ValidationEvent> events = new CopyOnWriteArrayList<>();

    /** Accepts and rejects fixed token values, counting calls. */
    final TokenValidator scripted = (token, ctx) -> {
        validations.incrementAndGet();
        context.set(ctx);
        return switch (token) {
            case "alice-token" -> ValidatedToken.of(token, Map.of("sub", "alice", "iss", ISSUER, "aud", "mcpserver",
                    "scope", "mcp:tools:call mcp:tools:list"));
            case "reader-token" -> ValidatedToken.of(token, Map.of("sub", "bob", "iss", ISSUER, "aud", "mcpserver",
                    "scope", "mcp:tools:list"));
            case "quoted" -> throw new TokenValidationException(BearerError.INVALID_TOKEN, QUOTED);
            case "down" -> throw new TokenValidationException(BearerError.INVALID_TOKEN, "The JWKS could not be fetched.",
                    Set.of(), true, null);
            case "core-scope" -> throw new TokenValidationException(BearerError.INSUFFICIENT_SCOPE,
                    "The token lacks a required scope.", Set.of("mcp:admin"), false, null);
            case "boom" -> throw new IllegalStateException("exploded on boom");
            case "null-result" -> null;
            default -> {
                if (token.startsWith("long-")) {
                    yield ValidatedToken.of(token, Map.of("sub", "carol", "iss", ISSUER, "aud", "mcpserver",
                            "scope", "mcp:tools:call"));
                }
                throw new TokenValidationException(BearerError.INVALID_TOKEN, "The token was not accepted.");
            }
        };
    };

    @BeforeEach
    void install() {
        server = containers.server();
        app = containers.app();
        front = containers.front();
        app.reset();
        front.boundAfter.set(null);
        front.delegate.set(filter().build());
    }

    BearerTokenFilter.Builder filter() {
        return BearerTokenFilter.builder(scripted)
                .resource(resource())
                .authorizationServers(ISSUER)
                .requireScopes("/mcp/*", "mcp:tools:call")
                .openPaths("/health")
                .resourceName("Countries MCP server")
                .resourceDocumentation("https://docs.example.com/mcp")
                .corsAllowedOrigins("https://app.example.com")
                .auditListener(new AuditListener() {
                    @Override
                    public void onValidation(ValidationEvent event) {
                        events.add(event);
                    }
                });
    }

    String resource() {
        return server.uri("/mcp").toString();
    }

    String metadataUrl() {
        return server.uri("/.well-known/oauth-protected-resource/mcp").toString();
    }

    URI mcp() {
        return server.uri("/mcp");
    }

    static Map<String, Object> json(HttpResponse<String> response) throws ParseException {
        return JSONObjectUtils.parse(response.body());
    }

    static Map<String, String> challenge(HttpResponse<String> response) {
        List<String> values = response.headers().allValues("WWW-Authenticate");
        assertThat(values).hasSize(1);
        return Http.bearerParams(values.get(0));
    }

    static void assertRefusalBasics(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
        assertThat(response.headers().allValues("Access-Control-Expose-Headers")).anySatisfy(
                v -> assertThat(v).contains("WWW-Authenticate"));
    }

    @Test
    void missingTokenGets401WithResourceMetadataAndScopeButNoError() throws Exception {
        HttpResponse<String> r = Http.get(mcp());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).containsExactly(
                Map.entry("scope", "mcp:tools:call"),
                Map.entry("resource_metadata", metadataUrl()));
        assertRefusalBasics(r);
        assertThat(json(r)).doesNotContainKey("error").containsKey("error_description");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void missingTokenOnPathWithoutScopeRuleGetsOnlyResourceMetadata() {
        HttpResponse<String> r = Http.get(server.uri("/other"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).containsExactly(Map.entry("resource_metadata", metadataUrl()));
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void otherAuthorizationSchemeIsTreatedAsNoBearerToken() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Basic YWxpY2U6c2VjcmV0");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).doesNotContainKey("error").containsKey("resource_metadata");
        assertThat(validations).hasValue(0);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void rejectedTokenGets401InvalidTokenWithDescription() throws Exception {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer unknown-token");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).containsExactly(
                Map.entry("error", "invalid_token"),
                Map.entry("scope", "mcp:tools:call"),
                Map.entry("resource_metadata", metadataUrl()),
                Map.entry("error_description", "The token was not accepted."));
        assertRefusalBasics(r);
        assertThat(json(r)).containsExactly(
                Map.entry("error", "invalid_token"),
                Map.entry("error_description", "The token was not accepted."));
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void descriptionWithQuotesAndBackslashStaysInsideItsQuotedString() throws Exception {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer quoted");

        String raw = r.headers().firstValue("WWW-Authenticate").orElseThrow();
        Map<String, String> params = challenge(r);
        assertThat(params).containsEntry("error", "invalid_token")
                .containsEntry("error_description", "the 'kid' names no key / known")
                .containsEntry("resource_metadata", metadataUrl());
        // RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
        assertThat(params.get("error_description")).doesNotContain("\"", "\\");
        assertThat(raw).endsWith("error_description=\"the 'kid' names no key / known\"");
        assertThat(json(r)).containsEntry("error_description", "the 'kid' names no key / known");
    }

    @Test
    void tokenWithoutPathScopeGets403InsufficientScope() throws Exception {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer reader-token");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(challenge(r)).containsEntry("error", "insufficient_scope")
                .containsEntry("scope", "mcp:tools:call")
                .containsEntry("resource_metadata", metadataUrl())
                .containsKey("error_description");
        assertRefusalBasics(r);
        assertThat(json(r)).containsEntry("error", "insufficient_scope");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void validatorScopeRefusalNamesTheValidatorsScopesToo() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer core-scope");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(challenge(r)).containsEntry("error", "insufficient_scope")
                .containsEntry("scope", "mcp:admin mcp:tools:call");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void authorizationServerOutageGets503WithoutChallengeOrStackTrace() throws Exception {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer down");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().allValues("WWW-Authenticate")).isEmpty();
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(json(r)).containsExactly(
                Map.entry("error", "temporarily_unavailable"),
                Map.entry("error_description", "The JWKS could not be fetched."));
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void validatorThatThrowsUncheckedGets401NotA500() throws Exception {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer boom");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).containsEntry("error", "invalid_token");
        assertThat(r.body()).doesNotContain("boom", "Exception", "at dev.");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void validatorThatReturnsNullGets401NotA500() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer null-result");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).containsEntry("error", "invalid_token");
        assertRefusalBasics(r);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void severalAuthorizationHeadersGet400InvalidRequest() throws Exception {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer alice-token",
                "Authorization", "Bearer alice-token");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(challenge(r)).containsEntry("error", "invalid_request")
                .containsEntry("resource_metadata", metadataUrl());
        assertRefusalBasics(r);
        assertThat(json(r)).containsEntry("error", "invalid_request");
        assertThat(validations).hasValue(0);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void accessTokenInQueryStringGets400InvalidRequest() {
        HttpResponse<String> r = Http.get(server.uri("/mcp?access_token=alice-token"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(challenge(r)).containsEntry("error", "invalid_request");
        assertThat(r.body()).doesNotContain("alice-token");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void accessTokenInQueryStringNextToHeaderGets400InvalidRequest() {
        HttpResponse<String> r = Http.get(server.uri("/mcp?x=1&access_token=alice-token"),
                "Authorization", "Bearer alice-token");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(challenge(r)).containsEntry("error", "invalid_request");
        assertThat(validations).hasValue(0);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void accessTokenInFormBodyGets400InvalidRequest() {
        HttpResponse<String> r = Http.send("POST", mcp(), "application/x-www-form-urlencoded",
                "q=countries&access_token=alice-token");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(challenge(r)).containsEntry("error", "invalid_request");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void jsonBodyReachesTheApplicationUnread() {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"access_token\":\"x\"}";
        HttpResponse<String> r = Http.send("POST", mcp(), "application/json", body,
                "Authorization", "Bearer alice-token");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.body).hasValue(body);
    }

    @Test
    void bearerSchemeIsMatchedCaseInsensitively() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "bEaReR alice-token");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.calls).hasValue(1);
    }

    @Test
    void severalSpacesAfterTheSchemeAreAllowed() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer   alice-token");

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void metadataAnswersHeadWithoutBody() {
        HttpResponse<String> r = Http.send("HEAD", URI.create(metadataUrl()), null, null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void tokenLongerThanTheCapIsRefusedBeforeValidation() {
        front.delegate.set(filter().maxTokenLength(256).build());

        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer " + "a".repeat(257));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).containsEntry("error", "invalid_token");
        assertThat(validations).hasValue(0);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void tokenOfExactlyTheCapIsAccepted() {
        front.delegate.set(filter().maxTokenLength(256).build());
        String token = "long-" + "a".repeat(251);

        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer " + token);

        assertThat(token).hasSize(256);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.principal).hasValue("carol");
    }

    @Test
    void defaultCapAcceptsAToken8192CharactersLong() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer long-" + "a".repeat(8187));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(validations).hasValue(1);
    }

    @Test
    void defaultCapRefusesAToken8193CharactersLong() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer " + "a".repeat(8193));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).containsEntry("error", "invalid_token");
        assertThat(validations).hasValue(0);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void tokenThatIsNotB64TokenIsRefusedBeforeValidation() {
        for (String header : List.of("Bearer abc,def", "Bearer a b", "Bearer ab=c", "Bearer", "Bearer \u00e9t\u00e9")) {
            HttpResponse<String> r = Http.get(mcp(), "Authorization", header);

            assertThat(r.statusCode()).as(header).isEqualTo(401);
            assertThat(challenge(r)).as(header).containsEntry("error", "invalid_token");
        }
        assertThat(validations).hasValue(0);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void acceptedTokenReachesTheApplicationWithPrincipalAttributeAndThreadBinding() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer alice-token");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("app");
        assertThat(app.calls).hasValue(1);
        assertThat(app.principal).hasValue("alice");
        assertThat(app.remoteUser).hasValue("alice");
        assertThat(app.attribute.get().subject()).isEqualTo("alice");
        assertThat(app.bound.get()).isSameAs(app.attribute.get());
        assertThat(front.boundAfter).hasValue(false);
    }

    @Test
    void validatorReceivesRequestMethodAndPath() {
        Http.send("POST", server.uri("/mcp/tools?cursor=2"), "application/json", "{}",
                "Authorization", "Bearer alice-token");

        assertThat(context).hasValue(AuditContext.of("POST", "/mcp/tools"));
    }

    @Test
    void openPathNeedsNoToken() {
        HttpResponse<String> r = Http.get(server.uri("/health"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.calls).hasValue(1);
        assertThat(app.attribute).hasValue(null);
        assertThat(app.principal).hasValue(null);
    }

    @Test
    void metadataIsServedAtThePathInsertedUrl() throws Exception {
        HttpResponse<String> r = Http.get(URI.create(metadataUrl()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        Map<String, Object> doc = json(r);
        assertThat(doc).containsOnlyKeys("resource", "authorization_servers", "scopes_supported",
                "bearer_methods_supported", "resource_name", "resource_documentation");
        assertThat(doc.get("resource")).isEqualTo(resource());
        assertThat(doc.get("authorization_servers")).isEqualTo(List.of(ISSUER));
        assertThat(doc.get("scopes_supported")).isEqualTo(List.of("mcp:tools:call"));
        assertThat(doc.get("bearer_methods_supported")).isEqualTo(List.of("header"));
        assertThat(doc.get("resource_name")).isEqualTo("Countries MCP server");
        assertThat(doc.get("resource_documentation")).isEqualTo("https://docs.example.com/mcp");
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void metadataIsServedAtTheRootWellKnownUrl() throws Exception {
        HttpResponse<String> root = Http.get(server.uri("/.well-known/oauth-protected-resource"));
        HttpResponse<String> inserted = Http.get(URI.create(metadataUrl()));

        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(json(root)).isEqualTo(json(inserted));
        assertThat(json(root).get("resource")).isEqualTo(resource());
    }

    @Test
    void resourceWithOnlyATerminatingSlashHasItsMetadataAtTheRootWellKnownUrl() throws Exception {
        String resource = server.uri("/").toString();
        front.delegate.set(filter().resource(resource).build());

        String url = challenge(Http.get(mcp())).get("resource_metadata");
        HttpResponse<String> r = Http.get(URI.create(url));

        // RFC 9728 §3.1: the terminating slash is removed before the well-known path is inserted.
        assertThat(url).isEqualTo(server.uri("/.well-known/oauth-protected-resource").toString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("resource")).isEqualTo(resource);
    }

    @Test
    void resourceMetadataOfTheChallengeResolvesToTheDocument() throws Exception {
        String url = challenge(Http.get(mcp())).get("resource_metadata");

        HttpResponse<String> r = Http.get(URI.create(url));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("resource")).isEqualTo(resource());
    }

    @Test
    void metadataRefusesOtherMethods() {
        HttpResponse<String> r = Http.send("POST", URI.create(metadataUrl()), "application/json", "{}");

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @Test
    void metadataAnswersCorsPreflight() {
        HttpResponse<String> r = Http.send("OPTIONS", URI.create(metadataUrl()), null, null,
                "Origin", "https://inspector.example.org", "Access-Control-Request-Method", "GET",
                "Access-Control-Request-Headers", "mcp-protocol-version");

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, HEAD, OPTIONS");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).hasValue("mcp-protocol-version");
    }

    @Test
    void preflightFromAllowedOriginIsAnsweredWithoutToken() {
        HttpResponse<String> r = Http.send("OPTIONS", mcp(), null, null,
                "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type");

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).hasValue("authorization, content-type");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void preflightFromAnyOriginIsAnsweredSoTheChallengeCanBeRead() {
        HttpResponse<String> r = Http.send("OPTIONS", mcp(), null, null,
                "Origin", "http://localhost:6274", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers",
                "authorization, content-type, mcp-session-id, mcp-protocol-version, last-event-id");

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).hasValue(
                "authorization, content-type, mcp-session-id, mcp-protocol-version, last-event-id");
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).isPresent();
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(r.headers().allValues("WWW-Authenticate")).isEmpty();
        assertThat(validations).hasValue(0);
        assertThat(app.calls).hasValue(0);
    }

    @Test
    void challengeToAnotherOriginIsReadable() {
        HttpResponse<String> r = Http.get(mcp(), "Origin", "http://localhost:6274");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).hasValue("WWW-Authenticate");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void acceptedResponseIsNotOpenedToAnotherOrigin() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer alice-token",
                "Origin", "https://evil.example.net");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).isEmpty();
    }

    @Test
    void openPathPreflightIsLeftToTheApplication() {
        HttpResponse<String> r = Http.send("OPTIONS", server.uri("/health"), null, null,
                "Origin", "https://evil.example.net", "Access-Control-Request-Method", "GET");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.calls).hasValue(1);
    }

    @Test
    void acceptedResponseIsOpenedToAnAllowedOrigin() {
        HttpResponse<String> r = Http.get(mcp(), "Authorization", "Bearer alice-token",
                "Origin", "https://app.example.com");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(
                v -> assertThat(v).contains("WWW-Authenticate", "Mcp-Session-Id"));
    }

    @Test
    void refusalsBeforeValidationAreAuditedWithMethodAndPath() {
        Http.get(mcp());
        Http.get(server.uri("/mcp?access_token=secret-value"));

        assertThat(events).hasSize(2);
        assertThat(events.get(0).accepted()).isFalse();
        assertThat(events.get(0).error()).isNull();
        assertThat(events.get(0).context()).isEqualTo(AuditContext.of("GET", "/mcp"));
        assertThat(events.get(1).error()).isEqualTo(BearerError.INVALID_REQUEST);
        assertThat(events.get(1).toString()).doesNotContain("secret-value");
    }

    @Test
    void pathScopeRefusalIsAuditedWithTheSubject() {
        Http.get(mcp(), "Authorization", "Bearer reader-token");

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.accepted()).isFalse();
            assertThat(e.error()).isEqualTo(BearerError.INSUFFICIENT_SCOPE);
            assertThat(e.subject()).isEqualTo("bob");
            assertThat(e.tokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf("reader-token"));
        });
    }

    @Test
    void noRefusalEchoesTheToken() {
        String token = "eyJzZWNyZXQiOiJ2YWx1ZSJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl";
        for (String header : List.of("Bearer " + token, "Bearer " + token + " x")) {
            HttpResponse<String> r = Http.get(mcp(), "Authorization", header);

            assertThat(r.body()).doesNotContain(token);
            assertThat(r.headers().map().toString()).doesNotContain(token);
        }
    }
}
