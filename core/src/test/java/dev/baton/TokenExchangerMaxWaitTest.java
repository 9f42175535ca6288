package dev.baton;

import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.RecordingAuditListener;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code exchange(request, maxWait)}: a caller with a budget shorter than the exchange deadline
 * stops waiting at its budget; the exchange itself goes on.
 */
class TokenExchangerMaxWaitTest extends HeldResponsesTestSupport {
    private static final Duration MAX_WAIT = Duration.ofMillis(200);

    private final RecordingAuditListener audit = new RecordingAuditListener();
    private final CountDownLatch audited = new CountDownLatch(1);
    private TokenExchanger exchanger;

    /** A token endpoint that answers only once the test releases it (bounded). */
    @BeforeEach
    void slowTokenEndpoint() {
        exchanger = closedAfterTheTest(heldTokenEndpointExchanger()
                .auditListener(AuditListener.of(audit, new AuditListener() {
                    @Override
                    public void onExchange(ExchangeEvent event) {
                        audited.countDown();
                    }
                })));
    }

    @Test
    void aTokenEndpointSlowerThanMaxWaitEndsTheWaitWithARetryableFailureAtAboutMaxWait() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN), MAX_WAIT))
                .isInstanceOfSatisfying(TokenExchangeException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.error()).isNull();
                    assertThat(e.getMessage()).contains("200 ms");
                });
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        // Loosely: not before maxWait, and far sooner than the 20 s deadline.
        assertThat(waited).isGreaterThanOrEqualTo(MAX_WAIT.minusMillis(20)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theExchangeGoesOnAfterTheWaitEndsAndFillsTheCacheForTheNextCall() throws Exception {
        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN), MAX_WAIT))
                .isInstanceOf(TokenExchangeException.class);

        release.countDown();
        ExchangedToken next = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(next.accessToken()).isEqualTo("backend-token");
        assertThat(tokenRequests).hasValue(1);
        assertThat(exchanger.cacheStats().loads()).isEqualTo(1);
    }

    @Test
    void theTokenEndpointCallOfACallerThatStoppedWaitingIsStillAuditedOnce() throws Exception {
        assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN), MAX_WAIT))
                .isInstanceOf(TokenExchangeException.class);

        release.countDown();

        assertThat(audited.await(10, TimeUnit.SECONDS)).as("an audit event within 10 s").isTrue();
        assertThat(audit.exchanges()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(ExchangeEvent.Source.TOKEN_ENDPOINT);
            assertThat(e.httpStatus()).isEqualTo(200);
        });
    }

    @Test
    void anInterruptedWaitFailsRetryablyAndKeepsTheInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN), Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(TokenExchangeException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).contains("interrupted");
                    });
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void zeroMaxWaitStillReturnsACachedToken() throws Exception {
        release.countDown();
        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        ExchangedToken cached = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN), Duration.ZERO);

        assertThat(cached.accessToken()).isEqualTo("backend-token");
        assertThat(tokenRequests).hasValue(1);
    }
}
