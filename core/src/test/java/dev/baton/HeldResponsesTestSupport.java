package dev.baton;

import static dev.baton.ExchangeFixtures.SECRET;
import static dev.baton.ExchangeFixtures.issued;

import dev.baton.testkit.TestAuthorizationServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;

/**
 * A mock authorization server whose held answers wait on {@link #release}: the test releases them
 * when it wants to, and they are released after each test in any case, so none stays held.
 */
abstract class HeldResponsesTestSupport {
    @StartStop
    final MockWebServer server = new MockWebServer();
    final CountDownLatch release = new CountDownLatch(1);
    /** The token requests the endpoint of {@link #heldTokenEndpointExchanger()} received. */
    final AtomicInteger tokenRequests = new AtomicInteger();

    /**
     * An exchanger's builder (client {@code baton}, a 20 s deadline) whose token endpoint on
     * {@link #server} counts each request in {@link #tokenRequests} and answers
     * {@code backend-token} (300 s) once {@link #release} is released (10 s at most).
     */
    TokenExchanger.Builder heldTokenEndpointExchanger() {
        TestAuthorizationServer as = new TestAuthorizationServer(server, "/oauth2/backend");
        as.route("/v1/token", r -> {
            tokenRequests.incrementAndGet();
            ExchangeFixtures.awaitQuietly(release);
            return issued("backend-token", 300);
        });
        return TokenExchanger.builder().tokenEndpoint(as.tokenEndpoint())
                .clientAuthentication(ClientAuthentication.clientSecretBasic("baton", SECRET))
                .deadline(Duration.ofSeconds(20));
    }

    private final List<TokenExchanger> exchangers = new ArrayList<>();

    /** Builds {@code builder}'s exchanger, closed after the test once the held answers are released. */
    TokenExchanger closedAfterTheTest(TokenExchanger.Builder builder) {
        TokenExchanger exchanger = builder.build();
        exchangers.add(exchanger);
        return exchanger;
    }

    @AfterEach
    void releaseHeldResponses() {
        // Released first: from Java 21 closing an exchanger's client waits for the calls in flight.
        release.countDown();
        exchangers.forEach(TokenExchanger::close);
    }
}
