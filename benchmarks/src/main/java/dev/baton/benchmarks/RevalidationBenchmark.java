package dev.baton.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.testkit.TestAuthorizationServer;
import java.util.Set;
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
 * Issue 11, row 3: re-validating tokens seen moments ago over a realistic mix. {@value #TOKENS}
 * distinct RS256 access tokens (one per user, {@code user-0} ... ) are signed in set-up and each is
 * validated once by Baton's validator (default verified-token cache, 10,000 entries, so all of them
 * fit). Each measured call takes the next token in rotation, so consecutive calls never repeat a
 * token:
 *
 * <ul>
 *   <li>{@link #batonRotation}: Baton's {@link TokenValidator} with its default cache: a hit for
 *       every token;
 *   <li>{@link #nimbusRotation}: raw Nimbus {@link DefaultJWTProcessor} with the same checks as in
 *       {@link ValidationBenchmark} (it has no cache, so every call is a full validation).
 * </ul>
 *
 * Both pay the same rotation cost (an array read and a counter). The JWKS is fetched from a
 * loopback MockWebServer during set-up only; the tear-down fails the run if a request reached it
 * during measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RevalidationBenchmark {
    /** Distinct tokens in rotation. */
    static final int TOKENS = 1024;

    private MockWebServer server;
    private TestAuthorizationServer as;
    private String[] tokens;
    private TokenValidator cached;
    private DefaultJWTProcessor<SecurityContext> processor;
    private int requestsAfterSetUp;

    /** Signs the tokens, builds both validators, and validates every token once with each. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = Fixtures.loopbackServer();
        as = new TestAuthorizationServer(server);
        tokens = new String[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            tokens[i] = Fixtures.accessToken(as, "user-" + i).sign();
        }
        cached = TokenValidator.builder().issuer(as.issuer()).jwksUri(as.jwksUri()).audience(Fixtures.AUDIENCE)
                .auditListener(AuditListener.none()).build();
        processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"),
                new JOSEObjectType("application/at+jwt"), JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(as.jwks())));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(Fixtures.AUDIENCE), new JWTClaimsSet.Builder().issuer(as.issuer()).build(),
                Set.of("iss", "aud", "exp"), null);
        claims.setMaxClockSkew(60);
        processor.setJWTClaimsSetVerifier(claims);

        for (int i = 0; i < TOKENS; i++) {
            String subject = "user-" + i;
            if (!subject.equals(cached.validate(tokens[i]).subject())
                    || !subject.equals(processor.process(tokens[i], null).getSubject())) {
                throw new IllegalStateException("token " + i + " was rejected");
            }
        }
        requestsAfterSetUp = as.totalRequests();
    }

    /** Fails the run if the JWKS was fetched again during measurement; stops the server. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, "RevalidationBenchmark");
        } finally {
            server.close();
        }
    }

    /** Each thread's position in the rotation. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        String take(String[] tokens) {
            String t = tokens[next];
            next = (next + 1) & (TOKENS - 1);
            return t;
        }
    }

    /** Baton, default cache: the next token in rotation, seen moments ago. */
    @Benchmark
    public ValidatedToken batonRotation(Cursor cursor) throws Exception {
        return cached.validate(cursor.take(tokens));
    }

    /** Raw Nimbus: the next token in rotation, validated in full. */
    @Benchmark
    public JWTClaimsSet nimbusRotation(Cursor cursor) throws Exception {
        return processor.process(cursor.take(tokens), null);
    }
}
