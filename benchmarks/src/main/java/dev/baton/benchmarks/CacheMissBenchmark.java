package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeRequest;
import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 11, row 5: a cache-miss exchange against a Jetty token endpoint on loopback, against a raw
 * JDK {@link HttpClient} form POST of the very same request. Sample-time mode, so the table reads
 * p50 and p99 of each.
 *
 * <ul>
 *   <li>{@link #batonMiss}: {@link TokenExchanger#exchange} with the cache off ({@code noCache()}):
 *       every call builds the RFC 8693 request, POSTs it through Baton's bounded client (deadline,
 *       size cap, no redirects), checks and parses the response into an {@link ExchangedToken};
 *   <li>{@link #rawPost}: {@link HttpClient#send} of the body and every header Baton chose in set-up
 *       (the token endpoint recorded them; the client writes the rest itself, as Baton's does), with
 *       a client built as Baton builds its own (no redirects, 5 s connect timeout, the JDK's
 *       defaults otherwise), reading the body as a string.
 * </ul>
 *
 * The subject token is a validated RS256 access token; the endpoint reads the whole form and
 * answers a fixed-size JSON success. MockWebServer serves only the signing keys, never a measured call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CacheMissBenchmark {
    private MockWebServer keys;
    private LoopbackJetty jetty;
    private TokenEndpointServlet endpoint;
    private TokenExchanger exchanger;
    private ExchangeRequest request;
    private HttpClient raw;
    private HttpRequest rawRequest;

    /** Starts the Jetty token endpoint, makes one exchange and captures its request for the raw POST. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        keys = Fixtures.loopbackServer();
        TestAuthorizationServer as = new TestAuthorizationServer(keys);
        endpoint = new TokenEndpointServlet();
        jetty = LoopbackJetty.start("/token", endpoint, null);
        URI tokenUri = jetty.uri("/token");
        exchanger = TokenExchanger.builder()
                .tokenEndpoint(tokenUri)
                .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "benchmark-secret"))
                .auditListener(AuditListener.none())
                .noCache()
                .build();
        request = ExchangeRequest.builder()
                .subjectToken(Fixtures.validated(Fixtures.accessToken(as, "alice")))
                .audience(Fixtures.BACKEND)
                .build();
        if (!batonMiss().accessToken().startsWith("xt-") || endpoint.calls() != 1) {
            throw new IllegalStateException("the exchange did not reach the Jetty token endpoint");
        }
        raw = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        // Every header Baton chose (content type, Basic authentication, Accept, the no-cache
        // directives), so both sides send the same bytes.
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri)
                .POST(HttpRequest.BodyPublishers.ofByteArray(endpoint.firstBody()));
        endpoint.firstHeaders().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        rawRequest = b.build();
        if (!rawPost().contains("\"access_token\"")) {
            throw new IllegalStateException("the raw POST got no token");
        }
    }

    /** Stops the servers and the exchanger. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            exchanger.close();
            jetty.close();
        } finally {
            keys.close();
        }
    }

    /** Baton: an exchange at the token endpoint, cache off. */
    @Benchmark
    public ExchangedToken batonMiss() throws Exception {
        return exchanger.exchange(request);
    }

    /** Raw JDK HttpClient: the same form POST, body read as a string. */
    @Benchmark
    public String rawPost() throws IOException, InterruptedException {
        return raw.send(rawRequest, HttpResponse.BodyHandlers.ofString()).body();
    }
}
