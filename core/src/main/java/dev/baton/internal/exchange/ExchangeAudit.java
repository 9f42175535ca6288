package dev.baton.internal.exchange;

import dev.baton.AuditListener;
import dev.baton.ExchangeEvent;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchangeException;
import dev.baton.ValidatedToken;
import dev.baton.internal.Listeners;
import dev.baton.internal.TokenHash;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link ExchangeEvent} of each exchange call and hands it to the listener, safely.
 * The event carries the subject token's fingerprint, never a token. Not API.
 */
final class ExchangeAudit {
    private final AuditListener listener;
    private final String clientId;
    private final Clock clock;

    /**
     * @param listener receives the events
     * @param clientId the exchanging client's id
     * @param clock the clock for the event time
     */
    ExchangeAudit(AuditListener listener, String clientId, Clock clock) {
        this.listener = listener;
        this.clientId = clientId;
        this.clock = clock;
    }

    /**
     * Records one answered call.
     *
     * @param request what was asked
     * @param subject the hash of its subject token
     * @param served the answer
     * @param startNanos {@link System#nanoTime()} when the call began
     */
    void record(ExchangeRequest request, TokenHash subject, Served served, long startNanos) {
        if (listener == AuditListener.none()) {
            // Nobody listens: no event built (about half of what a cache hit allocated).
            return;
        }
        TokenExchangeException failure = served.failure();
        List<String> resources = new ArrayList<>(request.resources().size());
        for (URI r : request.resources()) {
            resources.add(r.toString());
        }
        ExchangeEvent event = new ExchangeEvent(
                clock.instant(),
                failure == null ? ExchangeEvent.Outcome.SUCCESS : ExchangeEvent.Outcome.FAILURE,
                request.validatedSubject().map(ValidatedToken::subject).orElse(null),
                clientId,
                subject.fingerprint(),
                request.audiences(),
                resources,
                request.scopes(),
                served.token() == null ? null : served.token().scopes(),
                failure == null ? null : failure.error(),
                httpStatus(served),
                served.source(),
                Duration.ofNanos(System.nanoTime() - startNanos));
        Listeners.safely(() -> listener.onExchange(event));
    }

    /**
     * The status of this call's own token endpoint exchange: a token came with a 200 (RFC 6749
     * §5.1), a failure with whatever its response said (0 when none arrived). A call that used
     * another's exchange, or the cache, reports none, so each token endpoint call is counted once.
     */
    private static int httpStatus(Served served) {
        if (served.source() != ExchangeEvent.Source.TOKEN_ENDPOINT) {
            return 0;
        }
        return served.failure() == null ? 200 : served.failure().httpStatus();
    }
}
