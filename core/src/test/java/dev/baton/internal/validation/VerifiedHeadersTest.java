package dev.baton.internal.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import dev.baton.EndpointObserver;
import dev.baton.TokenValidationException;
import dev.baton.ValidatedToken;
import dev.baton.internal.http.BoundedHttp;
import dev.baton.testkit.JwtBuilder;
import dev.baton.testkit.MutableClock;
import dev.baton.testkit.TestAuthorizationServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verified-header cache of {@link JwtCheck}: a header is kept only once a key of the issuer
 * verified a token carrying it, only the exact same header segment is served from it, and it stays
 * bounded, whatever a client sends.
 */
class VerifiedHeadersTest {
    @StartStop
    final MockWebServer server = new MockWebServer();
    final TestAuthorizationServer as = new TestAuthorizationServer(server);
    final MutableClock clock = MutableClock.startingNow();
    final HttpClient client = BoundedHttp.newClient();
    final Rejections reject = new Rejections(Set.of());
    final VerifiedHeaders headers = new VerifiedHeaders();
    JwtCheck check;

    @BeforeEach
    void checkWithTheTestIssuer() {
        as.clock(clock);
        JwksCache jwks = new JwksCache(client, EndpointObserver.none(), () -> URI.create(as.jwksUri()), clock,
                Duration.ofSeconds(5));
        check = new JwtCheck(new JwsHeaderCheck(Set.of(JWSAlgorithm.RS256), false, reject), headers,
                new RegisteredClaims(reject), new SignatureCheck(jwks, reject),
                new ClaimsCheck(as.issuer(), "mcpserver", Duration.ofSeconds(60), reject),
                (token, claims, hash) -> ValidatedToken.of(token, claims), reject);
    }

    @AfterEach
    void closeClient() {
        BoundedHttp.close(client);
    }

    private JwtBuilder token() {
        return as.token().subject("alice").audience("mcpserver");
    }

    private ValidatedToken check(String token) throws TokenValidationException {
        return check.check(token, TokenShape.of(token), null, clock.instant(), new Attempt());
    }

    private TokenValidationException rejection(String token) {
        return catchThrowableOfType(TokenValidationException.class, () -> check(token));
    }

    private static String headerOf(String token) {
        return token.substring(0, token.indexOf('.'));
    }

    @Test
    void keepsTheHeaderOfAVerifiedToken() throws Exception {
        String token = token().sign();

        check(token);

        assertThat(headers.find(headerOf(token))).isNotNull();
        assertThat(headers.size()).isEqualTo(1);
    }

    @Test
    void tokensOfOneKeyShareOneHeader() throws Exception {
        check(token().subject("alice").sign());
        check(token().subject("bob").sign());

        assertThat(headers.size()).isEqualTo(1);
    }

    @Test
    void neverKeepsAHeaderWhoseTokenSignatureDidNotVerify() {
        String good = token().sign();
        String forged = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);

        assertThat(rejection(forged).description()).isEqualTo("token signature is invalid");
        assertThat(headers.size()).isZero();
    }

    @Test
    void aFloodOfUnverifiableHeadersLeavesItEmpty() {
        for (int i = 0; i < 200; i++) {
            String good = token().header("n", i).sign();
            String forged = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
            assertThat(rejection(forged)).isNotNull();
        }

        assertThat(headers.size()).isZero();
    }

    @Test
    void neverKeepsARefusedHeader() {
        assertThat(rejection(token().algorithm("RS512").sign()).description())
                .isEqualTo("token is signed with an algorithm that is not allowed");
        assertThat(rejection(token().type("dpop+jwt").sign()).description()).isEqualTo("token type is not accepted");
        assertThat(rejection(token().signAlgNone("none")).description()).isEqualTo("token is malformed");

        assertThat(headers.size()).isZero();
    }

    @Test
    void aHeaderDifferingFromAVerifiedOneIsParsedAndCheckedOnItsOwn() throws Exception {
        check(token().sign());

        // Same key, same algorithm, signed by the issuer: only typ differs, and it is refused.
        TokenValidationException e = rejection(token().type("dpop+jwt").sign());

        assertThat(e.description()).isEqualTo("token type is not accepted");
        assertThat(headers.size()).isEqualTo(1);
    }

    @Test
    void aVerifiedHeaderDoesNotVouchForTheSignature() throws Exception {
        String good = token().sign();
        check(good);
        String other = token().subject("mallory").sign();
        String spliced = other.substring(0, other.lastIndexOf('.')) + good.substring(good.lastIndexOf('.'));

        assertThat(rejection(spliced).description()).isEqualTo("token signature is invalid");
    }

    @Test
    void aVerifiedHeaderStillNeedsItsKeyInTheIssuersJwks() throws Exception {
        check(token().sign());
        as.unpublish("rsa-1");
        clock.advance(JwksCache.LIFETIME.plusSeconds(1));

        assertThat(rejection(token().subject("bob").sign()).description())
                .isEqualTo("no signing key matches the token");
    }

    @Test
    void staysBoundedWhenTheIssuerSignsManyHeaders() throws Exception {
        for (int i = 0; i < 4 * VerifiedHeaders.SIZE; i++) {
            check(token().header("n", i).sign());
        }

        assertThat(headers.size()).isLessThanOrEqualTo(VerifiedHeaders.SIZE);
    }

    @Test
    void servesOnlyTheExactSegment() throws Exception {
        JWSHeader header = JWSHeader.parse("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}");
        String segment = header.toBase64URL().toString();
        headers.put(segment, header);

        assertThat(headers.find(segment)).isSameAs(header);
        assertThat(headers.find(segment.substring(0, segment.length() - 1))).isNull();
        assertThat(headers.find(segment + "A")).isNull();
        assertThat(headers.find(segment.toLowerCase(java.util.Locale.ROOT))).isNull();
    }

    @Test
    void checksAnExpiredTokenWithAVerifiedHeaderAsAnyOther() throws Exception {
        check(token().sign());

        String expired = token().expiresAt(clock.instant().minus(Duration.ofHours(1)))
                .issuedAt(clock.instant().minus(Duration.ofHours(2))).sign();

        assertThat(rejection(expired).description()).isEqualTo("token is expired");
    }
}
