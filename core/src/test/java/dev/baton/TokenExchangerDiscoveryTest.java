package dev.baton;

import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.issued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.TestAuthorizationServer;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** {@code issuer(..)}: the token endpoint comes from the authorization server's metadata (RFC 8414, OIDC). */
class TokenExchangerDiscoveryTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();

    private TokenExchanger exchangerFor(TestAuthorizationServer as) {
        return TokenExchanger.builder()
                .issuer(as.issuer())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", ExchangeFixtures.SECRET))
                .auditListener(AuditListener.none())
                .build();
    }

    @Test
    void discoversTheTokenEndpointFromRfc8414Metadata() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        AtomicInteger tokenRequests = new AtomicInteger();
        as.route("/v1/token", r -> {
            tokenRequests.incrementAndGet();
            return issued("backend-token", 300);
        });
        TokenExchanger exchanger = exchangerFor(as);

        ExchangedToken token = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        exchanger.exchange(ExchangeFixtures.request("another-user"));

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(tokenRequests).hasValue(2);
        assertThat(as.discoveryRequests()).isEqualTo(1);
    }

    @Test
    void discoversTheTokenEndpointFromOpenIdConfiguration() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend")
                .discovery(TestAuthorizationServer.Discovery.OIDC);
        as.route("/v1/token", r -> issued("backend-token", 300));

        ExchangedToken token = exchangerFor(as).exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
    }

    @Test
    void failsWhenMetadataNamesAnotherIssuerAndTriesAgainLater() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend")
                .metadataIssuer("https://evil.example.com/oauth2/backend");
        as.route("/v1/token", r -> issued("backend-token", 300));
        TokenExchanger exchanger = exchangerFor(as);

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOfSatisfying(TokenExchangeException.class,
                        e -> assertThat(e.getMessage()).contains("discover"));

        as.metadataIssuer(null);
        assertThat(exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)).accessToken())
                .isEqualTo("backend-token");
    }

    @Test
    void failsWhenNoMetadataIsPublished() {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend")
                .discovery(TestAuthorizationServer.Discovery.NONE);
        TokenExchanger exchanger = exchangerFor(as);

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                .isInstanceOf(TokenExchangeException.class);
    }
}
