package dev.baton;

import static dev.baton.ExchangeFixtures.SECRET;
import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.issued;
import static dev.baton.ExchangeFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** One audit event per exchange call, never carrying a token (SECURITY-CASES 34). */
class TokenExchangerAuditTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final ExchangeFixtures.RecordingAudit audit = new ExchangeFixtures.RecordingAudit();

    private TokenExchanger exchanger() {
        return ExchangeFixtures.exchanger(server).auditListener(audit).build();
    }

    private static ExchangeRequest aliceRequest() {
        ValidatedToken alice = ValidatedToken.of(SUBJECT_TOKEN, Map.of("sub", "alice"));
        return ExchangeRequest.builder().subjectToken(alice).audience("backend")
                .resource("https://api.example.com/graphql").scopes("backend-api:read", "backend-api:write").build();
    }

    @Test
    void recordsExchangeAtTheTokenEndpoint() throws Exception {
        server.enqueue(json(200, "{\"access_token\":\"backend-token\",\"token_type\":\"Bearer\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"expires_in\":300,"
                + "\"scope\":\"backend-api:read\"}"));

        exchanger().exchange(aliceRequest());

        assertThat(audit.exchanges).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ExchangeEvent.Outcome.SUCCESS);
            assertThat(e.subject()).isEqualTo("alice");
            assertThat(e.clientId()).isEqualTo("baton");
            assertThat(e.subjectTokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(SUBJECT_TOKEN));
            assertThat(e.audiences()).containsExactly("backend");
            assertThat(e.resources()).containsExactly("https://api.example.com/graphql");
            assertThat(e.requestedScopes()).containsExactlyInAnyOrder("backend-api:read", "backend-api:write");
            assertThat(e.grantedScopes()).containsExactly("backend-api:read");
            assertThat(e.fromCache()).isFalse();
            assertThat(e.error()).isNull();
            assertThat(e.httpStatus()).isEqualTo(200);
            assertThat(e.latency()).isPositive();
        });
    }

    @Test
    void recordsExchangeServedFromCache() throws Exception {
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = exchanger();

        exchanger.exchange(aliceRequest());
        exchanger.exchange(aliceRequest());

        assertThat(audit.exchanges).hasSize(2);
        assertThat(audit.exchanges.get(1).fromCache()).isTrue();
        assertThat(audit.exchanges.get(1).httpStatus()).isZero();
        assertThat(audit.exchanges.get(1).outcome()).isEqualTo(ExchangeEvent.Outcome.SUCCESS);
        assertThat(audit.exchanges.get(1).subject()).isEqualTo("alice");
    }

    @Test
    void recordsFailureWithErrorAndStatus() {
        server.enqueue(json(400, "{\"error\":\"invalid_target\"}"));

        assertThatThrownBy(() -> exchanger().exchange(aliceRequest())).isInstanceOf(TokenExchangeException.class);

        assertThat(audit.exchanges).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ExchangeEvent.Outcome.FAILURE);
            assertThat(e.error()).isEqualTo("invalid_target");
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.grantedScopes()).isEmpty();
        });
    }

    @Test
    void recordsAsyncExchangeOnce() throws Exception {
        server.enqueue(issued("backend-token", 300));

        exchanger().exchangeAsync(aliceRequest()).get(10, TimeUnit.SECONDS);

        assertThat(audit.exchanges).hasSize(1);
    }

    @Test
    void eventsNeverCarryATokenOrSecret() throws Exception {
        server.enqueue(issued("backend-token-value", 300));
        server.enqueue(json(400, "{\"error\":\"invalid_grant\"}"));
        TokenExchanger exchanger = exchanger();
        exchanger.exchange(aliceRequest());
        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request("other-user-token-value")))
                .isInstanceOf(TokenExchangeException.class);

        assertThat(audit.exchanges).hasSize(2).allSatisfy(e -> assertThat(e.toString())
                .doesNotContain(SUBJECT_TOKEN).doesNotContain("backend-token-value")
                .doesNotContain("other-user-token-value").doesNotContain(SECRET));
    }

    @Test
    void throwingListenerDoesNotBreakTheExchange() throws Exception {
        server.enqueue(issued("backend-token", 300));
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server).auditListener(new AuditListener() {
            @Override
            public void onExchange(ExchangeEvent event) {
                throw new IllegalStateException("listener bug");
            }
        }).build();

        assertThat(exchanger.exchange(aliceRequest()).accessToken()).isEqualTo("backend-token");
    }

    @Test
    void toStringsNeverShowTokensOrSecrets() {
        TokenExchanger exchanger = exchanger();

        assertThat(exchanger.toString()).contains("baton").doesNotContain(SECRET);
        assertThat(aliceRequest().toString()).doesNotContain(SUBJECT_TOKEN);
        assertThat(ClientAuthentication.clientSecretPost("baton", SECRET).toString()).doesNotContain(SECRET);
    }
}
