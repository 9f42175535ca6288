package dev.baton;

import dev.baton.internal.Timers;
import dev.baton.internal.http.BoundedHttp;
import dev.baton.internal.validation.DPoPSettings;
import dev.baton.internal.validation.IssuerValidation;
import dev.baton.internal.validation.ValidatorSettings;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The validator {@link TokenValidator.Builder#build()} returns: one issuer's
 * {@linkplain IssuerValidation validation engine} plus what it owns. It holds a lease on Baton's
 * timer threads (deadlines of background JWKS refreshes) and, when the application supplied no
 * {@link HttpClient}, the client it created; {@link #close()} releases both, once.
 */
final class IssuerTokenValidator implements TokenValidator {
    private final ValidatorSettings settings;
    private final DPoPSettings dpop;
    private final IssuerValidation validation;
    private final HttpClient ownedClient;
    private final AutoCloseable timerLease;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param settings the checked configuration
     * @param dpop the checked DPoP configuration
     * @param ownedClient the client the builder created for this validator (also in
     *     {@code settings}), or {@code null} when the application supplied its own
     */
    IssuerTokenValidator(ValidatorSettings settings, DPoPSettings dpop, HttpClient ownedClient) {
        this.settings = settings;
        this.dpop = dpop;
        this.validation = new IssuerValidation(settings, dpop, ValidatedToken::verified);
        this.ownedClient = ownedClient;
        this.timerLease = Timers.lease();
    }

    @Override
    public ValidatedToken validate(String token, AuditContext context) throws TokenValidationException {
        if (closed.get()) {
            throw new IllegalStateException("this TokenValidator is closed");
        }
        return validation.validate(token, context);
    }

    @Override
    public ValidatedToken validate(PresentedToken presented, AuditContext context) throws TokenValidationException {
        Objects.requireNonNull(presented, "presented");
        Objects.requireNonNull(context, "context");
        if (closed.get()) {
            throw new IllegalStateException("this TokenValidator is closed");
        }
        return validation.validate(presented, context);
    }

    /** The configured DPoP proof algorithms. */
    @Override
    public List<String> dpopAlgorithms() {
        return dpop.algorithmNames();
    }

    /** The configured issuer. */
    @Override
    public Optional<String> issuer() {
        return Optional.of(settings.issuer());
    }

    /** The configured required scopes. */
    @Override
    public Set<String> requiredScopes() {
        return settings.requiredScopes();
    }

    /**
     * Releases the timer lease and the client this validator created; never a client the
     * application supplied. Validations already running finish (or fail as the authorization server
     * being unavailable, when they needed the released client).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (ownedClient != null) {
                BoundedHttp.close(ownedClient);
            }
        } finally {
            closeLease(timerLease);
        }
    }

    private static void closeLease(AutoCloseable lease) {
        try {
            lease.close();
        } catch (Exception e) {
            // A Timers lease never fails to close; AutoCloseable merely declares that it might.
            return;
        }
    }

    @Override
    public String toString() {
        return "TokenValidator[issuer=" + settings.issuer() + ", audience=" + settings.audience()
                + (closed.get() ? ", closed" : "") + "]";
    }
}
