package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ClientAuthentication;
import dev.baton.TokenValidator;
import dev.baton.testkit.TestAuthorizationServer;
import dev.baton.testkit.logging.CapturedLog;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests over real HTTP to {@link BearerTokenFilter} on embedded Jetty 12, with the real
 * validator (JWTs against the test issuer's JWKS, opaque tokens by RFC 7662 introspection). Each
 * case of {@link HostileTokenCases} and {@link HostileRequestCases} gets its exact status and
 * {@code error}; it never reaches the servlet (the controls do, once), never gets a 500, never makes
 * Baton call a URL it carries, never puts CR or LF into an audit line or a response header, and
 * costs the request's thread at most {@link #CPU_BOUND} of CPU time in the filter.
 */
class HostileRequestsTest {
    /** Generous: a hostile token costs well under 10 ms; this only catches runaway work (a loop, a regex). */
    static final Duration CPU_BOUND = Duration.ofMillis(500);

    private static MockWebServer idp;
    private static MockWebServer elsewhere;
    private static HostileFixture fixture;
    private static TokenValidator validator;
    private static Containers.Running server;
    private static final MeteredFilter METER = new MeteredFilter();
    private static final RecordingServlet APP = new RecordingServlet();

    @BeforeAll
    static void start() throws IOException {
        idp = new MockWebServer();
        idp.start();
        elsewhere = new MockWebServer();
        elsewhere.start();
        TestAuthorizationServer as = new TestAuthorizationServer(idp);
        fixture = new HostileFixture(as, elsewhere.url("/x").toString().replace("/x", ""));
        validator = TokenValidator.builder().issuer(as.issuer()).audience(HostileFixture.AUDIENCE)
                .introspection(as.issuer() + HostileFixture.INTROSPECTION_PATH,
                        ClientAuthentication.clientSecretBasic("mcp-server", "introspection-client-secret"))
                .build();
        server = Containers.Kind.JETTY.start(Containers.Setup.of(List.of(METER), null, APP));
        METER.delegate.set(BearerTokenFilter.builder(validator)
                .resource(server.uri("/mcp").toString())
                .authorizationServers(as.issuer())
                .requireScopes("/mcp/*", HostileFixture.SCOPE)
                .build());
        // Class loading and the first JIT passes are not what the CPU bound is about.
        for (int i = 0; i < 3; i++) {
            Http.get(server.uri("/mcp"), "Authorization", "Bearer " + fixture.good());
            Http.get(server.uri("/mcp"), "Authorization", "Bearer " + fixture.good() + "x");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (validator != null) {
            validator.close();
        }
        idp.close();
        elsewhere.close();
    }

    static Stream<HostileCase> cases() {
        return Stream.concat(HostileTokenCases.all().stream(), HostileRequestCases.all().stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileRequestGetsItsExactAnswerAndNeverTheServlet(HostileCase c) {
        APP.reset();
        int logFrom = CapturedLog.size();
        String id = Integer.toHexString(c.toString().hashCode());

        Answer answer = send(id, c.request().apply(fixture));

        assertThat(answer.status()).as("status (never 500)").isNotEqualTo(500).isEqualTo(c.status());
        assertThat(APP.calls).as("requests that reached the servlet").hasValue(c.expect() == HostileCase.Expect.ACCEPTED ? 1 : 0);
        String challenge = answer.header("www-authenticate");
        switch (c.expect()) {
            case ACCEPTED -> assertThat(answer.body()).isEqualTo("app");
            case CONTAINER_REFUSAL -> assertThat(challenge).as("challenge").isNull();
            case NO_TOKEN -> assertThat(Http.bearerParams(challenge)).doesNotContainKey("error");
            default -> {
                assertThat(Http.bearerParams(challenge)).containsEntry("error", c.expect().error);
                assertThat(answer.body()).contains("\"error\":\"" + c.expect().error + "\"");
                assertThat(answer.header("cache-control")).isEqualTo("no-store");
            }
        }
        assertThat(answer.headers()).as("headers").doesNotContainKey("x-injected");
        assertThat(CapturedLog.from(logFrom)).filteredOn(l -> l.logger().equals("dev.baton.audit"))
                .allSatisfy(l -> assertThat(l.text()).doesNotContain("\r", "\n"));
        assertThat(Duration.ofNanos(METER.cpuNanos(id))).as("CPU time in the filter").isLessThan(CPU_BOUND);
        assertThat(elsewhere.getRequestCount()).as("requests to a URL taken from a token").isZero();
    }

    @Test
    void introspectionAsksForAnAccessToken() {
        Http.get(server.uri("/mcp"), "Authorization", "Bearer " + HostileFixture.OPAQUE_ACCESS);

        // RFC 7662 §2.1 token_type_hint: the resource server only ever expects access tokens.
        assertThat(fixture.introspectionHints).containsEntry(HostileFixture.OPAQUE_ACCESS, "access_token");
    }

    /** The answer, from the JDK client or a raw socket alike; header names in lower case. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private static Answer send(String id, HostileCase.Request r) {
        if (r.raw() != null) {
            byte[] head = ("GET " + r.target() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + MeteredFilter.CASE_HEADER + ": "
                    + id + "\r\nConnection: close\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] request = new byte[head.length + r.raw().length + 2];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(r.raw(), 0, request, head.length, r.raw().length);
            request[request.length - 2] = '\r';
            request[request.length - 1] = '\n';
            RawHttp.Response response = RawHttp.exchange(server.base(), request);
            return new Answer(response.status(), response.headers(), response.body());
        }
        String[] headers = Stream.concat(Stream.of(MeteredFilter.CASE_HEADER, id), r.headers().stream())
                .toArray(String[]::new);
        HttpResponse<String> response = Http.send(r.method(), server.uri(r.target()), r.contentType(), r.body(), headers);
        Map<String, List<String>> lower = new TreeMap<>();
        response.headers().map().forEach((name, values) -> lower.put(name.toLowerCase(Locale.ROOT), values));
        return new Answer(response.statusCode(), lower, response.body());
    }
}
