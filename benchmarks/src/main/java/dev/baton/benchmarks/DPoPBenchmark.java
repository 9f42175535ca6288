package dev.baton.benchmarks;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.DPoPKey;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchanger;
import dev.baton.ValidatedToken;
import dev.baton.okhttp.TokenExchangeInterceptor;
import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
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
 * docs/dpop.md "Cost": what DPoP (RFC 9449) adds to an outgoing call.
 *
 * <ul>
 *   <li>{@link #es256Proof}: one ES256 proof as the interceptor makes it for every call ({@code htm},
 *       {@code htu}, {@code ath} of the token, a fresh {@code jti}, signed by an EC P-256 key). Goal
 *       ≤ 60 µs. Beside it {@link #jcaEs256Signature}, a bare JCA {@code SHA256withECDSA} signature of
 *       as many bytes with a P-256 key: the floor no proof can go under.</li>
 *   <li>{@link #es256ProofBouncyCastle}: the same proof from a key whose JCA provider is BouncyCastle
 *       ({@code DPoPKey.of(keyPair, "ES256", provider)}), beside {@link #bcEs256Signature}, BouncyCastle's
 *       bare signature of as many bytes with the same key: what a user gains by naming a provider
 *       (docs/dpop.md "Cost").</li>
 *   <li>{@link #interceptorWithDPoP}: the interceptor's whole overhead on a cache hit for a
 *       DPoP-bound token: both halves that {@code installOn} adds, on a canned chain without I/O
 *       ({@link CannedChain}): route, cache hit, {@code Authorization: DPoP}, and the network half
 *       signing the proof. Beside it {@link #interceptorWithBearer} (the same for a Bearer token,
 *       as {@code InterceptorBenchmark}) and {@link #withoutInterceptor}, the baseline to subtract.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DPoPBenchmark {
    private static final String BACKEND_URL = "http://127.0.0.1:9/graphql";

    private MockWebServer server;
    private TestAuthorizationServer as;
    private DPoPKey key;
    private URI target;
    private String token;
    private KeyPair jcaKey;
    private Provider bouncyCastle;
    private KeyPair bcKey;
    private DPoPKey bcDPoPKey;
    private byte[] signingInput;
    private Interceptor dpopInterceptor;
    private CannedChain dpopChain;
    private Interceptor bearerInterceptor;
    private CannedChain bearerChain;
    private int requestsAfterSetUp;

    /** Fills both exchangers' caches through their interceptors once, then checks what they sent. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = Fixtures.loopbackServer();
        as = new TestAuthorizationServer(server);
        token = Fixtures.accessToken(as, "backend-alice").audience(Fixtures.BACKEND).sign();
        target = URI.create(BACKEND_URL + "/query");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        jcaKey = generator.generateKeyPair();
        // Not installed with Security.addProvider: named where it is used, as an application would.
        bouncyCastle = new BouncyCastleProvider();
        KeyPairGenerator bcGenerator = KeyPairGenerator.getInstance("EC", bouncyCastle);
        bcGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        bcKey = bcGenerator.generateKeyPair();
        bcDPoPKey = DPoPKey.of(bcKey, "ES256", bouncyCastle);
        AtomicInteger calls = new AtomicInteger();
        // The first exchange is answered DPoP, the second Bearer; any later one fails the run.
        as.route("/v1/token", r -> switch (calls.getAndIncrement()) {
            case 0 -> TestAuthorizationServer.json(Fixtures.tokenResponse(token).replace("\"Bearer\"", "\"DPoP\""));
            case 1 -> TestAuthorizationServer.json(Fixtures.tokenResponse(token));
            default -> TestAuthorizationServer.json(503, "{\"error\":\"temporarily_unavailable\"}");
        });
        ValidatedToken subject = Fixtures.validated(Fixtures.accessToken(as, "alice"));
        Request request = new Request.Builder().url(target.toString()).tag(ValidatedToken.class, subject).build();
        Response canned = new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(200)
                .message("OK").body(ResponseBody.create("{}", null)).build();

        TokenExchanger dpopExchanger = TokenExchanger.builder()
                .tokenEndpoint(as.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server", "benchmark-secret"))
                .auditListener(AuditListener.none())
                .dpop()
                .build();
        key = dpopExchanger.dpopKey().orElseThrow();
        // The bytes an ES256 proof signs: its header and claims, base64url, as long as a real one.
        String proof = key.proof("GET", target, token, null);
        signingInput = proof.substring(0, proof.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        dpopExchanger.exchange(ExchangeRequest.builder().subjectToken(subject).audience(Fixtures.BACKEND).build());
        OkHttpClient.Builder installed = TokenExchangeInterceptor.builder(dpopExchanger)
                .route(BACKEND_URL, r -> r.audience(Fixtures.BACKEND))
                .allowHttpOnLoopback()
                .installOn(new OkHttpClient.Builder());
        dpopInterceptor = installed.interceptors().get(0);
        List<Interceptor> network = installed.networkInterceptors();
        // The custom-header half passes a request without its tag straight on: only the DPoP half works.
        dpopChain = new CannedChain(request, canned, network.get(network.size() - 1));

        TokenExchanger bearerExchanger = Fixtures.exchanger(as, AuditListener.none());
        bearerExchanger.exchange(ExchangeRequest.builder().subjectToken(subject).audience(Fixtures.BACKEND).build());
        bearerInterceptor = TokenExchangeInterceptor.builder(bearerExchanger)
                .route(BACKEND_URL, r -> r.audience(Fixtures.BACKEND))
                .allowHttpOnLoopback()
                .build();
        bearerChain = new CannedChain(request, canned);

        dpopInterceptor.intercept(dpopChain);
        bearerInterceptor.intercept(bearerChain);
        if (calls.get() != 2 || !("DPoP " + token).equals(dpopChain.lastSent().header("Authorization"))
                || !("Bearer " + token).equals(bearerChain.lastSent().header("Authorization"))) {
            throw new IllegalStateException("the interceptors did not send the cached exchanged tokens");
        }
        requestsAfterSetUp = as.totalRequests();
    }

    /** Fails the run if any exchange reached the token endpoint during measurement. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, "DPoPBenchmark");
        } finally {
            server.close();
        }
    }

    /** One ES256 proof for a call carrying the token. */
    @Benchmark
    public String es256Proof() {
        return key.proof("GET", target, token, null);
    }

    /** A bare JCA ES256 signature over as many bytes as a proof signs: the floor. */
    @Benchmark
    public byte[] jcaEs256Signature() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(jcaKey.getPrivate());
        signature.update(signingInput);
        return signature.sign();
    }

    /** One ES256 proof for a call carrying the token, signed by BouncyCastle's provider. */
    @Benchmark
    public String es256ProofBouncyCastle() {
        return bcDPoPKey.proof("GET", target, token, null);
    }

    /** BouncyCastle's bare ES256 signature over as many bytes as a proof signs, with the same key. */
    @Benchmark
    public byte[] bcEs256Signature() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withECDSA", bouncyCastle);
        signature.initSign(bcKey.getPrivate());
        signature.update(signingInput);
        return signature.sign();
    }

    /** Both halves of the interceptor for a DPoP-bound token served from the cache. */
    @Benchmark
    public Response interceptorWithDPoP() throws IOException {
        return dpopInterceptor.intercept(dpopChain);
    }

    /** The interceptor for a Bearer token served from the cache (as {@code InterceptorBenchmark}). */
    @Benchmark
    public Response interceptorWithBearer() throws IOException {
        return bearerInterceptor.intercept(bearerChain);
    }

    /** The same chain without the interceptor: the baseline to subtract. */
    @Benchmark
    public Response withoutInterceptor() throws IOException {
        return bearerChain.proceed(bearerChain.request());
    }
}
