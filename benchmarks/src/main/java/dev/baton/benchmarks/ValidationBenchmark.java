package dev.baton.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.testkit.TestAuthorizationServer;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
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
 * DESIGN.md "Performance targets", validation: one RS256 access token (RSA 2048, {@code typ at+jwt},
 * two hours of life) checked four ways.
 *
 * <ul>
 *   <li>{@link #batonFresh}: Baton's {@link TokenValidator} with the verified-token cache off
 *       ({@code verifiedTokenCacheSize(0)}), so every call parses, checks the claims and verifies
 *       the signature;
 *   <li>{@link #batonCached}: the same validator with its default cache, re-validating a token it
 *       saw moments ago;
 *   <li>{@link #nimbus}: raw Nimbus {@link DefaultJWTProcessor} doing the same checks: keys from an
 *       immutable JWK set, RS256 only, {@code typ at+jwt}, exact {@code iss}, {@code aud}, {@code exp}
 *       with 60 s skew, {@code exp}, {@code iss} and {@code aud} required;
 *   <li>{@link #jcaVerify}: a bare JCA {@code SHA256withRSA} verification of the same signing
 *       input and signature bytes (decoded once in set-up), the floor for any validator.
 * </ul>
 *
 * The JWKS is fetched from a loopback MockWebServer during set-up only; the validators keep it five
 * minutes, far longer than a fork runs, and the tear-down fails the run if any request arrived
 * during measurement. Audit events go to {@link AuditListener#none()}: raw Nimbus has no audit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ValidationBenchmark {
    private MockWebServer server;
    private TestAuthorizationServer as;
    private String token;
    private TokenValidator fresh;
    private TokenValidator cached;
    private DefaultJWTProcessor<SecurityContext> processor;
    private RSAPublicKey publicKey;
    private byte[] signingInput;
    private byte[] signature;
    private int requestsAfterSetUp;

    /** Starts the loopback JWKS, signs the token, builds the validators and checks each accepts it once. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = Fixtures.loopbackServer();
        as = new TestAuthorizationServer(server);
        token = Fixtures.accessToken(as, "alice").sign();

        fresh = TokenValidator.builder().issuer(as.issuer()).jwksUri(as.jwksUri()).audience(Fixtures.AUDIENCE)
                .auditListener(AuditListener.none()).verifiedTokenCacheSize(0).build();
        cached = TokenValidator.builder().issuer(as.issuer()).jwksUri(as.jwksUri()).audience(Fixtures.AUDIENCE)
                .auditListener(AuditListener.none()).build();

        processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"),
                new JOSEObjectType("application/at+jwt"), JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(as.jwks())));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(Fixtures.AUDIENCE),
                new JWTClaimsSet.Builder().issuer(as.issuer()).build(),
                Set.of("iss", "aud", "exp"),
                null);
        claims.setMaxClockSkew(60);
        processor.setJWTClaimsSetVerifier(claims);

        SignedJWT jwt = SignedJWT.parse(token);
        signingInput = jwt.getSigningInput();
        signature = jwt.getSignature().decode();
        publicKey = as.rsaKey().toRSAPublicKey();

        // Each variant accepts the token before measurement starts (and Baton's fetch the JWKS now).
        require("alice".equals(batonFresh().subject()), "Baton (no cache) rejected the token");
        require("alice".equals(batonCached().subject()), "Baton (cache) rejected the token");
        require("alice".equals(nimbus().getSubject()), "Nimbus rejected the token");
        Jca jca = new Jca();
        jca.setUp();
        require(jcaVerify(jca), "JCA rejected the signature");
        requestsAfterSetUp = as.totalRequests();
    }

    /** Fails the run if the JWKS was fetched again during measurement; stops the server. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            Fixtures.requireNoRequestsSince(as, requestsAfterSetUp, "ValidationBenchmark");
        } finally {
            server.close();
        }
    }

    /** Baton, verified-token cache off: full parse, claim checks and signature verification per call. */
    @Benchmark
    public ValidatedToken batonFresh() throws Exception {
        return fresh.validate(token);
    }

    /** Baton, default cache: a token seen moments ago (hash, cache lookup, scope check, audit event). */
    @Benchmark
    public ValidatedToken batonCached() throws Exception {
        return cached.validate(token);
    }

    /** Raw Nimbus {@code DefaultJWTProcessor} with the same checks. */
    @Benchmark
    public JWTClaimsSet nimbus() throws Exception {
        return processor.process(token, null);
    }

    /** The per-thread JCA verifier: {@code Signature.getInstance} once, outside the measurement. */
    @State(Scope.Thread)
    public static class Jca {
        Signature verifier;

        /** Looks the {@code SHA256withRSA} implementation up once. */
        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            verifier = Signature.getInstance("SHA256withRSA");
        }
    }

    /** Bare JCA: {@code initVerify}, {@code update}, {@code verify} of the pre-decoded bytes. */
    @Benchmark
    public boolean jcaVerify(Jca jca) throws GeneralSecurityException {
        Signature s = jca.verifier;
        s.initVerify(publicKey);
        s.update(signingInput);
        return s.verify(signature);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
