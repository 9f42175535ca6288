package dev.baton.testkit;

import dev.baton.AuditListener;
import dev.baton.ExchangeEvent;
import dev.baton.ValidationEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link AuditListener} that keeps every event, for assertions. Thread-safe. */
public final class RecordingAuditListener implements AuditListener {
    private final List<ValidationEvent> validations = new CopyOnWriteArrayList<>();
    private final List<ExchangeEvent> exchanges = new CopyOnWriteArrayList<>();

    @Override
    public void onValidation(ValidationEvent event) {
        validations.add(event);
    }

    @Override
    public void onExchange(ExchangeEvent event) {
        exchanges.add(event);
    }

    /** The validation events received, in order. */
    public List<ValidationEvent> validations() {
        return List.copyOf(validations);
    }

    /** The exchange events received, in order. */
    public List<ExchangeEvent> exchanges() {
        return List.copyOf(exchanges);
    }

    /** The last validation event; fails if there is none. */
    public ValidationEvent lastValidation() {
        if (validations.isEmpty()) {
            throw new AssertionError("no validation event was recorded");
        }
        return validations.get(validations.size() - 1);
    }

    /** Forgets every event. */
    public void clear() {
        validations.clear();
        exchanges.clear();
    }
}
