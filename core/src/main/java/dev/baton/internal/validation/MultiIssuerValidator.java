package dev.baton.internal.validation;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.ValidationEvent;
import dev.baton.internal.Listeners;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accepts tokens from a fixed set of issuers: reads the (unverified) {@code iss} of a JWT, hands
 * the token to that issuer's validator, which verifies it with that issuer's keys only. A token of
 * an unknown issuer is rejected here, before any network call, with one audit event. Not API.
 */
public final class MultiIssuerValidator implements TokenValidator {
    private final Map<String, TokenValidator> byIssuer;
    private final AuditListener audit;
    private final Clock clock;
    private final Set<String> requiredScopes;
    private final int maxTokenLength;

    /**
     * @param validators one per issuer; each must report its {@link TokenValidator#issuer()}
     * @param audit the listener for rejections decided here
     * @param clock the clock for those events
     * @param defaultMaxTokenLength the length cap when a validator does not report its own
     * @throws IllegalArgumentException if a validator has no issuer or two share one
     */
    public MultiIssuerValidator(List<TokenValidator> validators, AuditListener audit, Clock clock,
            int defaultMaxTokenLength) {
        if (validators.isEmpty()) {
            throw new IllegalArgumentException("at least one validator is required");
        }
        Map<String, TokenValidator> map = new LinkedHashMap<>();
        Set<String> common = null;
        int max = 0;
        for (TokenValidator v : validators) {
            String iss = v.issuer().orElseThrow(() -> new IllegalArgumentException(
                    "every validator must have an issuer (TokenValidator.issuer())"));
            if (map.putIfAbsent(iss, v) != null) {
                throw new IllegalArgumentException("two validators for the same issuer: " + iss);
            }
            if (common == null) {
                common = new HashSet<>(v.requiredScopes());
            } else {
                common.retainAll(v.requiredScopes());
            }
            max = Math.max(max, v instanceof DefaultTokenValidator d ? d.maxTokenLength() : defaultMaxTokenLength);
        }
        this.byIssuer = Map.copyOf(map);
        this.audit = audit;
        this.clock = clock;
        this.requiredScopes = Set.copyOf(common);
        this.maxTokenLength = max;
    }

    /** The scopes every issuer's validator requires. */
    @Override
    public Set<String> requiredScopes() {
        return requiredScopes;
    }

    @Override
    public ValidatedToken validate(String token, AuditContext context) throws TokenValidationException {
        long started = System.nanoTime();
        String iss = null;
        try {
            iss = unverifiedIssuer(token);
        } catch (RuntimeException e) {
            iss = null;
        }
        TokenValidator v = iss == null ? null : byIssuer.get(iss);
        if (v != null) {
            return v.validate(token, context);
        }
        TokenValidationException e = new TokenValidationException(BearerError.INVALID_TOKEN,
                iss == null ? "token is malformed" : "token is from an unknown issuer", requiredScopes, false, null);
        String fingerprint = token == null || token.isEmpty() || token.length() > maxTokenLength ? null
                : ValidatedToken.fingerprintOf(token);
        ValidationEvent event = new ValidationEvent(clock.instant(), false, e.error(), e.description(), null, null,
                iss, List.of(), Set.of(), fingerprint, false, Duration.ofNanos(System.nanoTime() - started), context);
        Listeners.safely(() -> audit.onValidation(event));
        throw e;
    }

    private String unverifiedIssuer(String token) {
        if (token == null || token.isEmpty() || token.length() > maxTokenLength) {
            return null;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            return null;
        }
        try {
            Map<String, Object> claims = JSONObjectUtils.parse(
                    new Base64URL(token.substring(first + 1, second)).decodeToString());
            return claims.get("iss") instanceof String s ? s : null;
        } catch (java.text.ParseException e) {
            return null;
        }
    }
}
