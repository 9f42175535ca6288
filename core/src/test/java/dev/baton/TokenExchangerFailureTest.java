package dev.baton;

import static dev.baton.ExchangeFixtures.SECRET;
import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static dev.baton.ExchangeFixtures.issued;
import static dev.baton.ExchangeFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Failures at the token endpoint: typed, bounded, never retried when pointless (docs/security.md cases 18–21, 26). */
class TokenExchangerFailureTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();

    private TokenExchangeException failure(TokenExchanger exchanger) {
        try {
            exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
        } catch (TokenExchangeException e) {
            return e;
        }
        throw new AssertionError("the exchange succeeded");
    }

    @ParameterizedTest
    @CsvSource({"400,invalid_request", "401,invalid_client", "400,invalid_grant", "400,invalid_scope",
            "400,invalid_target", "400,unauthorized_client", "400,unsupported_grant_type"})
    void oauthErrorIsTypedAndNotRetried(int status, String error) {
        server.enqueue(json(status, "{\"error\":\"" + error + "\",\"error_description\":\"denied by policy\"}"));
        server.enqueue(issued("never", 300));

        TokenExchangeException e = failure(ExchangeFixtures.exchanger(server).build());

        assertThat(e.error()).isEqualTo(error);
        assertThat(e.errorDescription()).isEqualTo("denied by policy");
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.isRetryable()).isFalse();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void clientErrorWithoutJsonBodyIsTypedAndNotRetried() {
        server.enqueue(new MockResponse.Builder().code(403).body("<html>Forbidden</html>").build());

        TokenExchangeException e = failure(ExchangeFixtures.exchanger(server).build());

        assertThat(e.error()).isNull();
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.isRetryable()).isFalse();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void errorDescriptionIsSanitisedAndBounded() {
        String hostile = "bad\\u0000token\\n" + SUBJECT_TOKEN + " forged=line " + "A".repeat(10_000);
        server.enqueue(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"" + hostile + "\"}"));

        TokenExchangeException e = failure(ExchangeFixtures.exchanger(server).build());

        assertThat(e.errorDescription()).hasSizeLessThanOrEqualTo(256).doesNotContain(SUBJECT_TOKEN)
                .doesNotContain("\n").doesNotContain("\u0000");
        assertThat(e.errorDescription()).matches("[\\x20-\\x7e]*");
    }

    @Test
    void serverErrorIsRetriedABoundedNumberOfTimesThenFailsClosed() {
        for (int i = 0; i < 5; i++) {
            server.enqueue(json(503, "{\"error\":\"temporarily_unavailable\"}"));
        }

        TokenExchangeException e = failure(ExchangeFixtures.exchanger(server).maxAttempts(3).build());

        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.error()).isEqualTo("temporarily_unavailable");
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void serverErrorThenSuccessReturnsTheIssuedToken() throws Exception {
        server.enqueue(json(500, "oops"));
        server.enqueue(json(502, "<html>bad gateway</html>"));
        server.enqueue(issued("backend-token", 300));

        ExchangedToken token = ExchangeFixtures.exchanger(server).maxAttempts(3).build()
                .exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void maxAttemptsOfOneDisablesRetries() {
        server.enqueue(json(503, ""));
        server.enqueue(issued("never", 300));

        failure(ExchangeFixtures.exchanger(server).maxAttempts(1).build());

        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void tooManyRequestsWithRetryAfterSecondsIsRetried() throws Exception {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "0").build());
        server.enqueue(issued("backend-token", 300));

        ExchangedToken token = ExchangeFixtures.exchanger(server).build()
                .exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void retryAfterAsPastHttpDateIsRetried() throws Exception {
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", past).build());
        server.enqueue(issued("backend-token", 300));

        ExchangedToken token = ExchangeFixtures.exchanger(server).build()
                .exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"86400", "99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"})
    void absurdRetryAfterEndsTheExchangeInsteadOfWaitingPastTheDeadline(String retryAfter) {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", retryAfter).build());
        server.enqueue(issued("never", 300));

        TokenExchangeException e = failure(ExchangeFixtures.exchanger(server).deadline(Duration.ofSeconds(3)).build());

        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.isRetryable()).isTrue();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void unparseableRetryAfterFallsBackToBackoff() throws Exception {
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "soon-ish").build());
        server.enqueue(issued("backend-token", 300));

        ExchangedToken token = ExchangeFixtures.exchanger(server).build()
                .exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
    }

    @Test
    void droppedConnectionIsRetried() throws Exception {
        server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket(true, true, true))
                .build());
        server.enqueue(issued("backend-token", 300));

        ExchangedToken token = ExchangeFixtures.exchanger(server).build()
                .exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
    }

    @Test
    void connectionRefusedFailsClosedAfterRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TokenExchanger exchanger = TokenExchanger.builder()
                .tokenEndpoint("http://127.0.0.1:" + port + "/token")
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .retryBackoff(Duration.ofMillis(1))
                .auditListener(AuditListener.none())
                .build();

        TokenExchangeException e = failure(exchanger);

        assertThat(e.httpStatus()).isZero();
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.error()).isNull();
        assertThat(e.getMessage()).doesNotContain(SUBJECT_TOKEN).doesNotContain(SECRET);
    }

    @Test
    void unknownHostFailsClosed() {
        TokenExchanger exchanger = TokenExchanger.builder()
                .tokenEndpoint("https://token-endpoint.invalid/token")
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .retryBackoff(Duration.ofMillis(1))
                .maxAttempts(2)
                .auditListener(AuditListener.none())
                .build();

        TokenExchangeException e = failure(exchanger);

        assertThat(e.httpStatus()).isZero();
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void trickledBodyIsEndedByTheTotalDeadline() throws Exception {
        try (TricklingServer trickling = new TricklingServer()) {
            TokenExchanger exchanger = ExchangeFixtures.exchanger(server).tokenEndpoint(trickling.url())
                    .maxAttempts(1).deadline(Duration.ofMillis(500)).build();

            TokenExchangeException e = failure(exchanger);

            assertThat(e.isRetryable()).isTrue();
            assertThat(e.getMessage()).contains("deadline");
        }
    }

    @Test
    void deadlineCoversAllRetries() throws Exception {
        try (TricklingServer trickling = new TricklingServer()) {
            TokenExchanger exchanger = ExchangeFixtures.exchanger(server).tokenEndpoint(trickling.url())
                    .maxAttempts(10).deadline(Duration.ofMillis(500)).build();

            TokenExchangeException e = failure(exchanger);

            // The first attempt used the whole deadline: no retry was started after it.
            assertThat(e.getMessage()).contains("deadline");
            assertThat(trickling.connections()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void redirectIsNeverFollowed(int status) throws Exception {
        try (MockWebServer elsewhere = new MockWebServer()) {
            elsewhere.start();
            elsewhere.enqueue(issued("stolen", 300));
            server.enqueue(new MockResponse.Builder().code(status)
                    .addHeader("Location", elsewhere.url("/steal").toString()).build());

            TokenExchangeException e = failure(ExchangeFixtures.exchanger(server).build());

            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(e.isRetryable()).isFalse();
            assertThat(elsewhere.getRequestCount()).isZero();
            assertThat(server.getRequestCount()).isEqualTo(1);
        }
    }

    @Test
    void refusesAnHttpClientThatFollowsRedirects() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThatThrownBy(() -> TokenExchanger.builder().httpClient(following))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void asyncExchangeFailsWithTokenExchangeException() {
        server.enqueue(json(400, "{\"error\":\"invalid_target\"}"));

        CompletableFuture<ExchangedToken> future = ExchangeFixtures.exchanger(server).build()
                .exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(TokenExchangeException.class,
                        e -> assertThat(e.error()).isEqualTo("invalid_target"));
    }

    @Test
    void asyncExchangeRetriesThenSucceeds() throws Exception {
        server.enqueue(json(503, ""));
        server.enqueue(issued("backend-token", 300));

        ExchangedToken token = ExchangeFixtures.exchanger(server).build()
                .exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN)).get(10, TimeUnit.SECONDS);

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void neverFallsBackToTheIncomingToken() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(500, ""));
        }

        CompletableFuture<ExchangedToken> future = ExchangeFixtures.exchanger(server).build()
                .exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(future).failsWithin(Duration.ofSeconds(10));
    }

    @Test
    void exceptionMessagesNeverContainTokensOrSecrets() {
        server.enqueue(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"token " + SUBJECT_TOKEN
                + " expired; client secret " + SECRET + "\"}"));

        TokenExchangeException e = failure(ExchangeFixtures.exchanger(server).build());

        assertThat(e.getMessage()).doesNotContain(SUBJECT_TOKEN).doesNotContain(SECRET);
        assertThat(e.toString()).doesNotContain(SUBJECT_TOKEN).doesNotContain(SECRET);
        assertThat(e.errorDescription()).doesNotContain(SUBJECT_TOKEN);
    }

    @Test
    void errorDescriptionNeverContainsAShortClientSecret() {
        String secret = "p@ss:w&rd";
        server.enqueue(json(401, "{\"error\":\"invalid_client\",\"error_description\":\"bad secret " + secret
                + " (encoded p%40ss%3Aw%26rd)\"}"));
        TokenExchanger exchanger = ExchangeFixtures.exchanger(server)
                .clientAuthentication(ClientAuthentication.clientSecretPost("baton", secret)).build();

        TokenExchangeException e = failure(exchanger);

        assertThat(e.errorDescription()).startsWith("bad secret").doesNotContain(secret).doesNotContain("p%40ss");
        assertThat(e.toString()).doesNotContain(secret);
    }

    @Test
    void builderRejectsAHostThatOnlyLooksLikeLoopback() {
        assertThatThrownBy(() -> TokenExchanger.builder().tokenEndpoint("http://127.evil.example/token"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> TokenExchanger.builder().tokenEndpoint("http://127.0.0.1.evil.example/token"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatNoException().isThrownBy(() -> TokenExchanger.builder().tokenEndpoint("http://127.0.0.1:8080/token"));
        assertThatNoException().isThrownBy(() -> TokenExchanger.builder().tokenEndpoint("http://[::1]:8080/token"));
    }

    @Test
    void builderCapsDeadlineSkewAndTokenLifetime() {
        assertThatThrownBy(() -> TokenExchanger.builder().deadline(Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline");
        assertThatThrownBy(() -> TokenExchanger.builder().cacheSkew(Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cacheSkew");
        // 400 years of nanoseconds overflow a long: such a lifetime must be refused, not overflow later.
        assertThatThrownBy(() -> TokenExchanger.builder().maxTokenLifetime(Duration.ofDays(400 * 365)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum token lifetime");
    }

    @Test
    void builderRequiresTheSkewToBeShorterThanTheMaximumTokenLifetime() {
        assertThatThrownBy(() -> ExchangeFixtures.exchanger(server).maxTokenLifetime(Duration.ofSeconds(60))
                .defaultTokenLifetime(Duration.ofSeconds(30)).cacheSkew(Duration.ofSeconds(60)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("skew");
    }

    @Test
    void builderRejectsPlainHttpToARemoteHost() {
        assertThatThrownBy(() -> TokenExchanger.builder().tokenEndpoint("http://idp.example.com/token"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    }

    @Test
    void builderRejectsEndpointWithUserInfoWithoutEchoingIt() {
        assertThatThrownBy(() -> TokenExchanger.builder().tokenEndpoint(URI.create("https://u:pw@idp.example.com/t")))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
    }

    @Test
    void builderRequiresEndpointAndClientAuthentication() {
        assertThatThrownBy(() -> TokenExchanger.builder()
                .clientAuthentication(ClientAuthentication.none("c")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("token endpoint");
        assertThatThrownBy(() -> TokenExchanger.builder().tokenEndpoint("https://idp.example.com/t").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("client authentication");
    }
}
