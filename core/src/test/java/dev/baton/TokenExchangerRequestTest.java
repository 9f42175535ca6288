package dev.baton;

import static dev.baton.ExchangeFixtures.SECRET;
import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.form;
import static dev.baton.ExchangeFixtures.issued;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What goes on the wire: the RFC 8693 §2.1 form, field by field, and each client authentication method. */
class TokenExchangerRequestTest {
    private static final String GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private RecordedRequest exchangeOnce(TokenExchanger exchanger, ExchangeRequest request) throws Exception {
        server.enqueue(issued("backend-token", 300));
        exchanger.exchange(request);
        return server.takeRequest();
    }

    @Test
    void sendsOnlyGrantAndSubjectForMinimalRequest() throws Exception {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build();

        RecordedRequest r = exchangeOnce(exchanger,
                ExchangeRequest.builder().subjectToken(SUBJECT_TOKEN, TokenType.JWT).build());

        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getUrl().encodedPath()).isEqualTo("/token");
        assertThat(form(r)).containsOnly(
                Map.entry("grant_type", List.of(GRANT)),
                Map.entry("subject_token", List.of(SUBJECT_TOKEN)),
                Map.entry("subject_token_type", List.of("urn:ietf:params:oauth:token-type:jwt")));
    }

    @Test
    void sendsValidatedTokenAsAccessTokenSubject() throws Exception {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build();
        ValidatedToken user = ValidatedToken.of(SUBJECT_TOKEN, Map.of("sub", "alice"));

        RecordedRequest r = exchangeOnce(exchanger, ExchangeRequest.builder().subjectToken(user).build());

        assertThat(form(r)).containsEntry("subject_token", List.of(SUBJECT_TOKEN))
                .containsEntry("subject_token_type", List.of("urn:ietf:params:oauth:token-type:access_token"));
    }

    @Test
    void sendsEveryRfc8693Parameter() throws Exception {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build();

        RecordedRequest r = exchangeOnce(exchanger, ExchangeRequest.builder()
                .subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN)
                .actorToken("actor-token", TokenType.JWT)
                .requestedTokenType(TokenType.ACCESS_TOKEN)
                .audience("backend", "reporting")
                .resource("https://api.example.com/graphql", "https://files.example.com/")
                .scopes("backend-api:read", "files:write")
                .build());

        assertThat(form(r)).containsOnly(
                Map.entry("grant_type", List.of(GRANT)),
                Map.entry("subject_token", List.of(SUBJECT_TOKEN)),
                Map.entry("subject_token_type", List.of("urn:ietf:params:oauth:token-type:access_token")),
                Map.entry("actor_token", List.of("actor-token")),
                Map.entry("actor_token_type", List.of("urn:ietf:params:oauth:token-type:jwt")),
                Map.entry("requested_token_type", List.of("urn:ietf:params:oauth:token-type:access_token")),
                Map.entry("audience", List.of("backend", "reporting")),
                Map.entry("resource", List.of("https://api.example.com/graphql", "https://files.example.com/")),
                Map.entry("scope", List.of("backend-api:read files:write")));
    }

    /**
     * Baton writes the form from Nimbus' models without building Nimbus' {@code TokenRequest}: the
     * bytes must be the ones {@code TokenRequest.toHTTPRequest()} writes, for each way a client
     * authenticates with a body or a header.
     */
    @ParameterizedTest
    @ValueSource(strings = {"basic", "post", "none"})
    void theFormIsByteForByteTheOneNimbusTokenRequestWrites(String method) throws Exception {
        ClientAuthentication authentication = switch (method) {
            case "basic" -> ClientAuthentication.clientSecretBasic("tool hive:é", "p@ss:w&rd=+ /ü");
            case "post" -> ClientAuthentication.clientSecretPost("tool hive:é", "p@ss:w&rd=+ /ü");
            default -> ClientAuthentication.none("tool hive:é");
        };
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).clientAuthentication(authentication).build();
        ExchangeRequest request = ExchangeRequest.builder()
                .subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN)
                .actorToken("actor-token", TokenType.JWT)
                .requestedTokenType(TokenType.ACCESS_TOKEN)
                .audience("backend", "reporting")
                .resource("https://api.example.com/graphql?x=1&y=2", "https://files.example.com/")
                .scopes("backend-api:read", "files:write")
                .build();
        URI endpoint = server.url("/token").uri();
        TokenExchangeGrant grant = new TokenExchangeGrant(new TypelessToken(SUBJECT_TOKEN),
                TokenTypeURI.ACCESS_TOKEN, new TypelessToken("actor-token"), TokenTypeURI.JWT,
                TokenTypeURI.ACCESS_TOKEN, List.of(new Audience("backend"), new Audience("reporting")));
        ClientID id = new ClientID("tool hive:é");
        Secret secret = new Secret("p@ss:w&rd=+ /ü");
        TokenRequest.Builder nimbus = switch (method) {
            case "basic" -> new TokenRequest.Builder(endpoint, new ClientSecretBasic(id, secret), grant);
            case "post" -> new TokenRequest.Builder(endpoint, new ClientSecretPost(id, secret), grant);
            default -> new TokenRequest.Builder(endpoint, id, grant);
        };
        HTTPRequest expected = nimbus.scope(new Scope("backend-api:read", "files:write"))
                .resources(URI.create("https://api.example.com/graphql?x=1&y=2"), URI.create("https://files.example.com/"))
                .build().toHTTPRequest();

        RecordedRequest r = exchangeOnce(exchanger, request);

        assertThat(r.getBody().string(StandardCharsets.UTF_8)).isEqualTo(expected.getBody());
        assertThat(r.getHeaders().get("Content-Type")).isEqualTo(expected.getHeaderValue("Content-Type"));
        assertThat(r.getHeaders().get("Authorization")).isEqualTo(expected.getAuthorization());
    }

    @Test
    void sendsResourceWithoutAudience() throws Exception {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build();

        RecordedRequest r = exchangeOnce(exchanger, ExchangeRequest.builder()
                .subjectToken(SUBJECT_TOKEN, TokenType.ACCESS_TOKEN)
                .resource("https://api.example.com/graphql")
                .build());

        assertThat(form(r)).containsEntry("resource", List.of("https://api.example.com/graphql"))
                .doesNotContainKeys("audience", "scope", "actor_token", "actor_token_type", "requested_token_type");
    }

    @Test
    void asksCachesNotToStoreTheExchange() throws Exception {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).build();

        RecordedRequest r = exchangeOnce(exchanger, ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(r.getHeaders().get("Cache-Control")).contains("no-store");
        assertThat(r.getHeaders().get("Pragma")).isEqualTo("no-cache");
        assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
    }

    @Test
    void clientSecretBasicFormUrlEncodesIdAndSecret() throws Exception {
        String id = "tool hive:é/+%";
        String secret = "p@ss:w&rd=+ /ü";
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server)
                .clientAuthentication(ClientAuthentication.clientSecretBasic(id, secret)).build();

        RecordedRequest r = exchangeOnce(exchanger, ExchangeFixtures.request(SUBJECT_TOKEN));

        String header = r.getHeaders().get("Authorization");
        assertThat(header).startsWith("Basic ");
        String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.US_ASCII);
        // RFC 6749 §2.3.1: each part application/x-www-form-urlencoded, then joined with ':'.
        String[] parts = decoded.split(":", -1);
        assertThat(parts).hasSize(2);
        assertThat(URLDecoder.decode(parts[0], StandardCharsets.UTF_8)).isEqualTo(id);
        assertThat(URLDecoder.decode(parts[1], StandardCharsets.UTF_8)).isEqualTo(secret);
        assertThat(form(r)).doesNotContainKeys("client_id", "client_secret", "client_assertion");
    }

    @Test
    void clientSecretPostSendsCredentialsInBody() throws Exception {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server)
                .clientAuthentication(ClientAuthentication.clientSecretPost("baton", SECRET)).build();

        RecordedRequest r = exchangeOnce(exchanger, ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(r.getHeaders().get("Authorization")).isNull();
        assertThat(form(r)).containsEntry("client_id", List.of("baton"))
                .containsEntry("client_secret", List.of(SECRET));
    }

    @Test
    void noneSendsOnlyClientIdInBody() throws Exception {
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server)
                .clientAuthentication(ClientAuthentication.none("public-client")).build();

        RecordedRequest r = exchangeOnce(exchanger, ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(r.getHeaders().get("Authorization")).isNull();
        assertThat(form(r)).containsEntry("client_id", List.of("public-client"))
                .doesNotContainKeys("client_secret", "client_assertion", "client_assertion_type");
    }

    @Test
    void privateKeyJwtRsaAssertionVerifiesWithThePublicKey() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server)
                .clientAuthentication(ClientAuthentication.privateKeyJwt("baton", key.toPrivateKey(), "k1", "RS256"))
                .build();

        RecordedRequest r = exchangeOnce(exchanger, ExchangeFixtures.request(SUBJECT_TOKEN));

        SignedJWT assertion = assertionOf(r);
        assertThat(assertion.getHeader().getKeyID()).isEqualTo("k1");
        assertThat(assertion.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
        assertAssertionClaims(assertion.getJWTClaimsSet());
    }

    @Test
    void privateKeyJwtEcAssertionVerifiesWithThePublicKey() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server)
                .clientAuthentication(ClientAuthentication.privateKeyJwt("baton", key.toPrivateKey(), null, "ES256"))
                .build();

        RecordedRequest r = exchangeOnce(exchanger, ExchangeFixtures.request(SUBJECT_TOKEN));

        SignedJWT assertion = assertionOf(r);
        JWSVerifier verifier = new ECDSAVerifier(key.toECPublicKey());
        assertThat(assertion.verify(verifier)).isTrue();
        assertAssertionClaims(assertion.getJWTClaimsSet());
    }

    @Test
    void privateKeyJwtUsesAFreshJtiPerRequest() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).noCache()
                .clientAuthentication(ClientAuthentication.privateKeyJwt("baton", key.toPrivateKey(), null, "PS256"))
                .build();

        String first = assertionOf(exchangeOnce(exchanger, ExchangeFixtures.request(SUBJECT_TOKEN)))
                .getJWTClaimsSet().getJWTID();
        String second = assertionOf(exchangeOnce(exchanger, ExchangeFixtures.request(SUBJECT_TOKEN)))
                .getJWTClaimsSet().getJWTID();

        assertThat(first).isNotBlank().isNotEqualTo(second);
    }

    private SignedJWT assertionOf(RecordedRequest r) throws Exception {
        Map<String, List<String>> form = form(r);
        assertThat(r.getHeaders().get("Authorization")).isNull();
        assertThat(form).containsEntry("client_assertion_type",
                List.of("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        assertThat(form.get("client_assertion")).hasSize(1);
        return SignedJWT.parse(form.get("client_assertion").get(0));
    }

    private void assertAssertionClaims(JWTClaimsSet claims) {
        // RFC 7523 §3: iss and sub are the client id, aud the token endpoint, exp short, jti present.
        assertThat(claims.getIssuer()).isEqualTo("baton");
        assertThat(claims.getSubject()).isEqualTo("baton");
        assertThat(claims.getAudience()).containsExactly(server.url("/token").toString());
        assertThat(claims.getJWTID()).isNotBlank();
        Instant exp = claims.getExpirationTime().toInstant();
        assertThat(exp).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofSeconds(61)));
    }
}
