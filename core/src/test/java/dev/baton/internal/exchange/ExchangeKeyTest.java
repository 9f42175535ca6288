package dev.baton.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchanger;
import dev.baton.TokenType;
import dev.baton.internal.TokenHash;
import dev.baton.testkit.TestAuthorizationServer;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class ExchangeKeyTest {
    private static final String TOKEN = "raw-subject-token-0123456789abcdef";

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private static ExchangeRequest.Builder request() {
        return ExchangeRequest.builder().subjectToken(TOKEN, TokenType.ACCESS_TOKEN);
    }

    private static ExchangeKey key(ExchangeRequest request) {
        return ExchangeKey.of(request, TokenHash.of(request.subjectToken()));
    }

    @Test
    void holdsNoRawTokenAndShowsNone() {
        ExchangeKey key = key(request().actorToken("raw-actor-token", TokenType.JWT).audience("backend").build());

        assertThat(key.toString()).doesNotContain(TOKEN).doesNotContain("raw-actor-token");
        for (RecordComponent c : ExchangeKey.class.getRecordComponents()) {
            assertThat(c.getType()).isNotEqualTo(String.class);
        }
    }

    @Test
    void equalForTheSameParametersInAnyOrder() {
        ExchangeKey a = key(request().audience("x", "y").scopes("s1", "s2").build());
        ExchangeKey b = key(request().audience("y", "x").scopes("s2", "s1").build());

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void aRepeatedValueCountsOnceAndAnyNumberOfValuesCompareAsSets() {
        assertThat(key(request().audience("x", "x").build())).isEqualTo(key(request().audience("x").build()));
        assertThat(key(request().audience("x", "y", "z").scopes("s1", "s2", "s3").build()))
                .isEqualTo(key(request().audience("z", "x", "y").scopes("s3", "s1", "s2").build()));
        assertThat(key(request().audience("x", "y").build())).isNotEqualTo(key(request().audience("x").build()));
        assertThat(key(request().build())).isNotEqualTo(key(request().audience("x").build()));
    }

    /**
     * Each pair below would share one entry in a key made by joining the values into one string
     * (or the audiences and resources into one set): "ab"+"c" and "a"+"bc", "a b" and "a","b", an
     * audience and a resource with the same text. Through the real exchanger, each request must get
     * its own token endpoint call and, from the cache afterwards, its own token (docs/security.md case 28).
     */
    @Test
    void valuesThatWouldConcatenateAlikeGetTheirOwnKeysAndTokens() throws Exception {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        AtomicInteger issued = new AtomicInteger();
        as.route("/v1/token", r -> TestAuthorizationServer.json("{\"access_token\":\"token-" + issued.incrementAndGet()
                + "\",\"token_type\":\"Bearer\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                + "\"expires_in\":300}"));
        List<ExchangeRequest> requests = List.of(
                request().audience("ab").scopes("c").build(),
                request().audience("a").scopes("bc").build(),
                request().audience("a b").build(),
                request().audience("a", "b").build(),
                request().audience("https://api.example.com/").build(),
                request().resource("https://api.example.com/").build());
        List<String> first = new ArrayList<>();
        List<String> again = new ArrayList<>();
        try (TokenExchanger exchanger = TokenExchanger.builder().tokenEndpoint(as.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", "s3cr3t"))
                .auditListener(AuditListener.none()).build()) {
            for (ExchangeRequest r : requests) {
                first.add(exchanger.exchange(r).accessToken());
            }
            for (ExchangeRequest r : requests) {
                again.add(exchanger.exchange(r).accessToken());
            }
        }

        assertThat(requests.stream().map(ExchangeKeyTest::key).toList()).doesNotHaveDuplicates();
        assertThat(first).doesNotHaveDuplicates();
        assertThat(again).isEqualTo(first);
        assertThat(issued).hasValue(requests.size());
    }

    @Test
    void differentSubjectTokensDiffer() {
        ExchangeKey a = key(ExchangeRequest.builder().subjectToken("alice", TokenType.ACCESS_TOKEN).build());
        ExchangeKey b = key(ExchangeRequest.builder().subjectToken("bob", TokenType.ACCESS_TOKEN).build());

        assertThat(a).isNotEqualTo(b);
    }
}
