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
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
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
 * docs/benchmarks.md "Targets", validation: one RS256 access token (RSA 2048, {@code typ at+jwt},
 * two hours of life) checked four ways, and one ES256 (P-256) token with the same claims checked
 * three ways ({@code es256*}: Baton fresh, raw Nimbus, bare JCA).
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
 *   <li>{@link #spring}: Spring Security's {@link NimbusJwtDecoder} (7.0.6, the version Spring Boot
 *       4.0.7 manages) with the same checks: the same immutable JWK set, RS256 only, the same
 *       {@code typ} verifier and typ validator, and the validators {@code iss}, {@code aud} and Spring's default
 *       timestamps ({@code exp}/{@code nbf}, 60 s skew); its claim-set conversion included, as in
 *       any Spring resource server;
 *   <li>{@link #es256BatonFresh}, {@link #es256Nimbus}, {@link #es256Spring}, {@link #es256JcaVerify}:
 *       the same four fresh checks for an ES256 token signed with the test kit's P-256 key ({@code kid ec-1},
 *       published in the same JWKS). The JCA floor is {@code SHA256withECDSAinP1363Format}, which
 *       takes the JWS's raw {@code R||S} signature as is (no DER conversion).
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
    private NimbusJwtDecoder springDecoder;
    private NimbusJwtDecoder esSpringDecoder;
    private RSAPublicKey publicKey;
    private byte[] signingInput;
    private byte[] signature;
    private String esToken;
    private DefaultJWTProcessor<SecurityContext> esProcessor;
    private ECPublicKey ecPublicKey;
    private byte[] esSigningInput;
    private byte[] esSignature;
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

        processor = nimbusProcessor(JWSAlgorithm.RS256);
        springDecoder = springDecoder(SignatureAlgorithm.RS256);
        esSpringDecoder = springDecoder(SignatureAlgorithm.ES256);

        SignedJWT jwt = SignedJWT.parse(token);
        signingInput = jwt.getSigningInput();
        signature = jwt.getSignature().decode();
        publicKey = as.rsaKey().toRSAPublicKey();

        esToken = Fixtures.accessToken(as, "alice").signWith(as.ecKey()).sign();
        esProcessor = nimbusProcessor(JWSAlgorithm.ES256);
        SignedJWT esJwt = SignedJWT.parse(esToken);
        require(JWSAlgorithm.ES256.equals(esJwt.getHeader().getAlgorithm()), "the EC token is not ES256");
        esSigningInput = esJwt.getSigningInput();
        esSignature = esJwt.getSignature().decode();
        ecPublicKey = as.ecKey().toECPublicKey();

        // Each variant accepts the token before measurement starts (and Baton's fetch the JWKS now).
        require("alice".equals(batonFresh().subject()), "Baton (no cache) rejected the token");
        require("alice".equals(batonCached().subject()), "Baton (cache) rejected the token");
        require("alice".equals(nimbus().getSubject()), "Nimbus rejected the token");
        require("alice".equals(spring().getSubject()), "Spring rejected the token");
        require("alice".equals(es256Spring().getSubject()), "Spring rejected the ES256 token");
        Jca jca = new Jca();
        jca.setUp();
        require(jcaVerify(jca), "JCA rejected the signature");
        require("alice".equals(es256BatonFresh().subject()), "Baton (no cache) rejected the ES256 token");
        require("alice".equals(es256Nimbus().getSubject()), "Nimbus rejected the ES256 token");
        require(es256JcaVerify(jca), "JCA rejected the ES256 signature");
        requestsAfterSetUp = as.totalRequests();
    }

    /** Raw Nimbus with the checks Baton makes, accepting only {@code alg}. */
    private DefaultJWTProcessor<SecurityContext> nimbusProcessor(JWSAlgorithm alg) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"),
                new JOSEObjectType("application/at+jwt"), JOSEObjectType.JWT, null));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(as.jwks())));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(Fixtures.AUDIENCE),
                new JWTClaimsSet.Builder().issuer(as.issuer()).build(),
                Set.of("iss", "aud", "exp"),
                null);
        claims.setMaxClockSkew(60);
        p.setJWTClaimsSetVerifier(claims);
        return p;
    }

    /**
     * Spring Security's decoder with the checks Baton makes, accepting only {@code alg}: the same
     * immutable JWK set and {@code typ} verifier as raw Nimbus, {@code iss} and {@code aud}
     * validators on top of Spring's default timestamp validator (60 s skew).
     */
    private NimbusJwtDecoder springDecoder(SignatureAlgorithm alg) {
        NimbusJwtDecoder d = NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<>(as.jwks()))
                .jwsAlgorithm(alg)
                .jwtProcessorCustomizer(p -> p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                        new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), JOSEObjectType.JWT,
                        null)))
                .build();
        // Spring's own typ validator accepts only JWT by default: this one accepts what raw Nimbus does.
        JwtTypeValidator typ = new JwtTypeValidator("at+jwt", "application/at+jwt", "JWT");
        typ.setAllowEmpty(true);
        d.setJwtValidator(JwtValidators.createDefaultWithValidators(typ, new JwtIssuerValidator(as.issuer()),
                new JwtAudienceValidator(Fixtures.AUDIENCE)));
        return d;
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

    /** Spring Security's {@code NimbusJwtDecoder} with the same checks. */
    @Benchmark
    public Jwt spring() {
        return springDecoder.decode(token);
    }

    /** The per-thread JCA verifiers: {@code Signature.getInstance} once, outside the measurement. */
    @State(Scope.Thread)
    public static class Jca {
        Signature verifier;
        Signature esVerifier;

        /** Looks the {@code SHA256withRSA} and {@code SHA256withECDSAinP1363Format} implementations up once. */
        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            verifier = Signature.getInstance("SHA256withRSA");
            esVerifier = Signature.getInstance("SHA256withECDSAinP1363Format");
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

    /** ES256, Baton with the verified-token cache off. */
    @Benchmark
    public ValidatedToken es256BatonFresh() throws Exception {
        return fresh.validate(esToken);
    }

    /** ES256, raw Nimbus {@code DefaultJWTProcessor} with the same checks. */
    @Benchmark
    public JWTClaimsSet es256Nimbus() throws Exception {
        return esProcessor.process(esToken, null);
    }

    /** ES256, Spring Security's {@code NimbusJwtDecoder} with the same checks. */
    @Benchmark
    public Jwt es256Spring() {
        return esSpringDecoder.decode(esToken);
    }

    /** ES256, bare JCA verification of the pre-decoded signing input and raw {@code R||S} signature. */
    @Benchmark
    public boolean es256JcaVerify(Jca jca) throws GeneralSecurityException {
        Signature s = jca.esVerifier;
        s.initVerify(ecPublicKey);
        s.update(esSigningInput);
        return s.verify(esSignature);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
