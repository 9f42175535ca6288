package dev.baton;

import dev.baton.internal.Listeners;
import dev.baton.internal.validation.UnverifiedIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The validator {@link TokenValidator#forIssuers(AuditListener, TokenValidator...)} returns: reads
 * the (unverified) {@code iss} of a JWT and hands the token to that issuer's validator, which
 * verifies it with that issuer's keys only. A token of an unknown issuer, or one whose issuer
 * cannot be read, is rejected here, before any network call, with one audit event. Closing it
 * closes every issuer's validator.
 */
final class MultiIssuerTokenValidator implements TokenValidator {
    /**
     * The longest token whose issuer is read here: the longest any validator built by
     * {@link TokenValidator#builder()} accepts. The chosen validator applies its own, possibly
     * shorter, cap before it decodes anything.
     */
    static final int MAX_TOKEN_LENGTH = TokenValidator.Builder.MAX_TOKEN_LENGTH_LIMIT;

    private final Map<String, TokenValidator> byIssuer;
    private final List<TokenValidator> validators;
    private final AuditListener audit;
    private final Clock clock;
    private final Set<String> requiredScopes;
    private final List<String> dpopAlgorithms;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param validators one per issuer; each must report its {@link TokenValidator#issuer()}
     * @param audit the listener for rejections decided here
     * @param clock the clock for those events
     * @throws IllegalArgumentException if none is given, a validator has no issuer or two share one
     */
    MultiIssuerTokenValidator(List<TokenValidator> validators, AuditListener audit, Clock clock) {
        if (validators.isEmpty()) {
            throw new IllegalArgumentException("at least one validator is required");
        }
        Map<String, TokenValidator> map = new LinkedHashMap<>();
        Set<String> common = null;
        List<String> algs = null;
        for (TokenValidator v : validators) {
            Objects.requireNonNull(v, "validator");
            String iss = v.issuer().orElseThrow(() -> new IllegalArgumentException(
                    "every validator must have an issuer (TokenValidator.issuer())"));
            if (map.putIfAbsent(iss, v) != null) {
                throw new IllegalArgumentException("two validators for the same issuer: " + iss);
            }
            if (common == null) {
                common = new HashSet<>(v.requiredScopes());
                algs = new ArrayList<>(v.dpopAlgorithms());
            } else {
                common.retainAll(v.requiredScopes());
                algs.retainAll(v.dpopAlgorithms());
            }
        }
        this.byIssuer = Map.copyOf(map);
        this.validators = List.copyOf(validators);
        this.audit = audit;
        this.clock = clock;
        this.requiredScopes = Set.copyOf(common);
        this.dpopAlgorithms = List.copyOf(algs);
    }

    /** The scopes every issuer's validator requires. */
    @Override
    public Set<String> requiredScopes() {
        return requiredScopes;
    }

    /** The DPoP proof algorithms every issuer's validator accepts, so each advertised one works. */
    @Override
    public List<String> dpopAlgorithms() {
        return dpopAlgorithms;
    }

    @Override
    public ValidatedToken validate(String token, AuditContext context) throws TokenValidationException {
        return route(token, null, context);
    }

    /** Hands {@code presented} to the validator of its token's issuer, which checks the token and any proof. */
    @Override
    public ValidatedToken validate(PresentedToken presented, AuditContext context) throws TokenValidationException {
        return route(presented.token(), presented.isDPoP() ? presented : null, context);
    }

    /** @param dpop the DPoP presentation of {@code token}, or {@code null} for a bearer token */
    private ValidatedToken route(String token, PresentedToken dpop, AuditContext context)
            throws TokenValidationException {
        if (closed.get()) {
            throw new IllegalStateException("this TokenValidator is closed");
        }
        long started = System.nanoTime();
        String iss = UnverifiedIssuer.of(token, MAX_TOKEN_LENGTH);
        TokenValidator v = iss == null ? null : byIssuer.get(iss);
        if (v != null) {
            return dpop == null ? v.validate(token, context) : v.validate(dpop, context);
        }
        TokenValidationException e = new TokenValidationException(BearerError.INVALID_TOKEN,
                iss == null ? "token is malformed" : "token is from an unknown issuer", requiredScopes, false, null);
        String fingerprint = token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH ? null
                : ValidatedToken.fingerprintOf(token);
        ValidationEvent event = new ValidationEvent(clock.instant(), false, e.error(), e.description(), null, null,
                iss, List.of(), Set.of(), fingerprint, false, Duration.ofNanos(System.nanoTime() - started), context);
        Listeners.safely(() -> audit.onValidation(event));
        throw e;
    }

    /**
     * Closes every issuer's validator, each once, even when one of them fails to close (the first
     * failure is thrown afterwards, later ones added to it as suppressed).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        for (TokenValidator v : validators) {
            try {
                v.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
