package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class TestAuthorizationServerTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final TestAuthorizationServer as = new TestAuthorizationServer(server);

    @Test
    void mintsTokensThatVerifyWithThePublishedRsaKey() throws Exception {
        SignedJWT jwt = SignedJWT.parse(as.token().subject("alice").audience("mcpserver").sign());
        JWSVerifier verifier = new RSASSAVerifier(as.jwks().getKeyByKeyId("rsa-1").toRSAKey());

        assertThat(jwt.verify(verifier)).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(as.issuer());
    }

    @Test
    void mintsTokensThatVerifyWithThePublishedEcKey() throws Exception {
        SignedJWT jwt = SignedJWT.parse(as.token().signWith(as.ecKey()).sign());

        assertThat(jwt.verify(new ECDSAVerifier(as.jwks().getKeyByKeyId("ec-1").toECKey()))).isTrue();
    }

    @Test
    void countsJwksRequests() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        client.send(HttpRequest.newBuilder(URI.create(as.jwksUri())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(as.jwksRequests()).isEqualTo(1);
    }

    @Test
    void rotationPublishesANewSigningKey() {
        as.rotate();

        assertThat(as.jwks().getKeyByKeyId("rsa-2")).isNotNull();
        assertThat(as.signingKey().getKeyID()).isEqualTo("rsa-2");
    }
}
