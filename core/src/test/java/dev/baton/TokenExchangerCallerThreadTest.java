package dev.baton;

import static dev.baton.ExchangeFixtures.SUBJECT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A blocking {@code exchange()} that starts an exchange sends the token request on its own thread
 * (no hand-off to another thread and back), and still behaves as a caller waiting for another
 * thread would: interrupted, it stops waiting with its flag kept while the exchange goes on for
 * whoever joined it; a caller with a shorter budget leaves the sending to Baton's threads.
 */
class TokenExchangerCallerThreadTest extends HeldResponsesTestSupport {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /** The thread each token endpoint call ended on, as the endpoint observer saw it. */
    private final List<String> answeredOn = new CopyOnWriteArrayList<>();
    private TokenExchanger exchanger;

    /** A held token endpoint, observed call by call. */
    @BeforeEach
    void heldTokenEndpoint() {
        exchanger = closedAfterTheTest(heldTokenEndpointExchanger().deadline(DEADLINE)
                .endpointObserver((endpoint, uri) -> new EndpointObserver.Call() {
                    @Override
                    public void responded(int status) {
                        answeredOn.add(Thread.currentThread().getName());
                    }

                    @Override
                    public void failed(String reason) {
                        answeredOn.add(Thread.currentThread().getName());
                    }
                }));
    }

    @Test
    void theCallerThatStartsTheExchangeSendsTheRequestOnItsOwnThread() throws Exception {
        release.countDown();

        ExchangedToken token = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(token.accessToken()).isEqualTo("backend-token");
        assertThat(answeredOn).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void aCallerThatMayWaitLessThanTheDeadlineLeavesTheSendingToBatonsThreads() throws Exception {
        release.countDown();

        exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN), DEADLINE.minusSeconds(1));

        assertThat(answeredOn).singleElement().asString().startsWith("baton-http-");
    }

    @Test
    void anInterruptedSenderStopsWaitingWithItsFlagKeptAndTheExchangeGoesOnForTheCallerThatJoinedIt()
            throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> flagKept = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
            } catch (TokenExchangeException e) {
                failure.set(e);
            }
            flagKept.set(Thread.currentThread().isInterrupted());
        }, "application-thread");
        sender.start();
        awaitTokenRequests(1);
        CompletableFuture<ExchangedToken> joined = exchanger.exchangeAsync(ExchangeFixtures.request(SUBJECT_TOKEN));

        sender.interrupt();
        sender.join(TimeUnit.SECONDS.toMillis(10));
        release.countDown();

        assertThat(failure.get()).isInstanceOfSatisfying(TokenExchangeException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.getMessage()).contains("interrupted");
        });
        assertThat(flagKept.get()).isTrue();
        assertThat(joined.get(10, TimeUnit.SECONDS).accessToken()).isEqualTo("backend-token");
        // The interrupted request was cancelled; Baton's threads sent it again for the joined call.
        assertThat(tokenRequests).hasValue(2);
    }

    @Test
    void aCallerInterruptedBeforeItStartsFailsAtOnceAndTheExchangeStillFillsTheCache() throws Exception {
        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN)))
                    .isInstanceOfSatisfying(TokenExchangeException.class,
                            e -> assertThat(e.getMessage()).contains("interrupted"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        release.countDown();

        ExchangedToken next = exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));

        assertThat(next.accessToken()).isEqualTo("backend-token");
        assertThat(tokenRequests).hasValue(1);
    }

    @Test
    void closingWhileTheCallerSendsFailsItOnceTheTokenEndpointAnswers() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                exchanger.exchange(ExchangeFixtures.request(SUBJECT_TOKEN));
            } catch (RuntimeException | TokenExchangeException e) {
                failure.set(e);
            }
        }, "application-thread");
        sender.start();
        awaitTokenRequests(1);

        exchanger.close();
        release.countDown();
        sender.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(sender.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(TokenExchangeException.class).hasMessageContaining("closed");
    }

    private void awaitTokenRequests(int n) throws InterruptedException {
        ExchangeFixtures.awaitTrue(() -> tokenRequests.get() >= n);
        assertThat(tokenRequests).as("token requests received").hasValue(n);
    }
}
