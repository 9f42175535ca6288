package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import dev.baton.servlet.BearerTokenFilter;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * Issue 11, row 8: {@link BearerTokenFilter} on embedded Jetty 12 with a warm verified-token cache,
 * against the same servlet on the same kind of Jetty without it, over real HTTP/1.1 with
 * keep-alive. Two client threads share one JDK {@link HttpClient}; every request is the same
 * {@code GET /hello} with the same {@code Authorization: Bearer} header (the filterless server
 * ignores it). JMH reports throughput; the goal is at least 0.9× with the filter.
 *
 * <p>The validator (default settings, {@code AuditListener.none()}) accepts the token once in
 * set-up, which fills its cache and fetches the JWKS from a loopback MockWebServer; the tear-down
 * fails the run if that server saw a request during measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(2)
public class FilterBenchmark {
    private MockWebServer keys;
    private TestAuthorizationServer as;
    private TokenValidator validator;
    private LoopbackJetty withFilter;
    private LoopbackJetty without;
    private HttpClient http;
    private HttpRequest filtered;
    private HttpRequest plain;
    private int requestsAfterSetUp;

    /** Starts both servers and checks each answers 200 to the token (the filtered one from its cache). */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        keys = Fixtures.loopbackServer();
        as = new TestAuthorizationServer(keys);
        String token = Fixtures.accessToken(as, "alice").sign();
        validator = TokenValidator.builder().issuer(as.issuer()).jwksUri(as.jwksUri()).audience(Fixtures.AUDIENCE)
                .auditListener(AuditListener.none()).build();
        BearerTokenFilter filter = BearerTokenFilter.builder(validator)
                .resource("http://127.0.0.1/hello")
                .authorizationServers(as.issuer())
                .auditListener(AuditListener.none())
                .build();
        withFilter = LoopbackJetty.start("/hello", new HelloServlet(), filter);
        without = LoopbackJetty.start("/hello", new HelloServlet(), null);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
        filtered = get(withFilter.uri("/hello"), token);
        plain = get(without.uri("/hello"), token);
        // The first filtered call validates in full (JWKS fetch, signature) and fills the cache.
        require(withFilter() == 200, "the filter refused the token");
        require(withoutFilter() == 200, "the plain servlet did not answer");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(withFilter.uri("/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        require(anonymous.statusCode() == 401, "the filter let a request without a token through");
        requestsAfterSetUp = as.totalRequests();
    }

    private static HttpRequest get(URI uri, String token) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    /** Fails the run if the JWKS was fetched during measurement; stops everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, "FilterBenchmark");
        } finally {
            withFilter.close();
            without.close();
            validator.close();
            keys.close();
        }
    }

    /** GET through BearerTokenFilter (token served from the verified-token cache). */
    @Benchmark
    public int withFilter() throws IOException, InterruptedException {
        return http.send(filtered, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The same GET to the same servlet without the filter. */
    @Benchmark
    public int withoutFilter() throws IOException, InterruptedException {
        return http.send(plain, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
