package dev.baton.internal.validation;

import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.PresentedToken;
import dev.baton.TokenValidationException;
import dev.baton.ValidatedToken;
import dev.baton.ValidationEvent;
import dev.baton.internal.Listeners;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Validates the tokens of one issuer: signed JWT access tokens ({@link JwtCheck}) against the
 * issuer's JWKS, and, when configured, opaque tokens by RFC 7662 introspection
 * ({@link IntrospectionCheck}). Before either, the {@linkplain TokenShape shape} and length of the
 * token are checked and the {@link VerifiedTokenCache} is asked; after either, how the token was
 * presented (a DPoP-bound token only with a DPoP proof, checked by {@link DPoPProofCheck}), then the
 * required scopes. Emits exactly one audit event per call (none is built for
 * {@link AuditListener#none()}). Thread-safe.
 *
 * <p>The API's validator wraps this engine; the engine knows only the API's value types. Not API.
 */
public final class IssuerValidation {
    private final ValidatorSettings s;
    private final Rejections reject;
    private final VerifiedTokenCache cache;
    private final JwtCheck jwt;
    private final IntrospectionCheck introspection;
    private final DPoPProofCheck dpop;

    /**
     * @param settings the configuration, checked by the builder
     * @param dpop the DPoP configuration
     * @param tokens builds the token of an accepted validation
     */
    public IssuerValidation(ValidatorSettings settings, DPoPSettings dpop, ValidatedTokenFactory tokens) {
        this.s = settings;
        this.reject = new Rejections(settings.requiredScopes());
        IssuerEndpoints endpoints = new IssuerEndpoints(settings);
        ClaimsCheck claims = new ClaimsCheck(settings.issuer(), settings.audience(), settings.clockSkew(), reject);
        JwksCache jwks = new JwksCache(settings.httpClient(), settings.endpointObserver(), endpoints.jwks(), settings.clock(),
                settings.httpTimeout());
        RegisteredClaims registered = new RegisteredClaims(reject);
        this.jwt = new JwtCheck(new JwsHeaderCheck(settings.algorithms(), settings.strictType(), reject),
                new VerifiedHeaders(), registered, new SignatureCheck(jwks, reject), claims, tokens, reject);
        this.introspection = !settings.introspection() ? null : new IntrospectionCheck(
                new Introspector(settings.httpClient(), settings.endpointObserver(), endpoints.introspection(), settings.introspectionAuth(),
                        settings.clock(), settings.httpTimeout()),
                settings, registered, claims, tokens, reject);
        this.cache = settings.cacheSize() == 0 ? null : new VerifiedTokenCache(settings.cacheSize(), settings.clock());
        this.dpop = new DPoPProofCheck(dpop, settings.clockSkew(), settings.clock(), reject);
    }

    /**
     * Validates {@code token} and reports the outcome to the audit listener.
     *
     * @throws TokenValidationException if the token is not acceptable; never an unchecked exception
     *     for any token content
     */
    public ValidatedToken validate(String token, AuditContext context) throws TokenValidationException {
        return validate(token, null, context);
    }

    /**
     * Validates {@code presented}, as a bearer token or a DPoP-bound token with its proof, and
     * reports the outcome to the audit listener.
     *
     * @throws TokenValidationException if the token or its proof is not acceptable; never an
     *     unchecked exception for any token or proof content
     */
    public ValidatedToken validate(PresentedToken presented, AuditContext context) throws TokenValidationException {
        return validate(presented.token(), presented.isDPoP() ? presented : null, context);
    }

    /** @param dpop the DPoP presentation of {@code token}, or {@code null} for a bearer token */
    private ValidatedToken validate(String token, PresentedToken dpop, AuditContext context)
            throws TokenValidationException {
        // No listener to tell: no event to build, no clock to read (docs/benchmarks.md, row 1).
        boolean audited = s.audit() != AuditListener.none();
        long started = audited ? System.nanoTime() : 0;
        Attempt a = new Attempt();
        try {
            ValidatedToken v = check(token, dpop, a);
            if (audited) {
                emit(a, v, null, started, context);
            }
            return v;
        } catch (TokenValidationException e) {
            if (audited) {
                emit(a, a.claims, e, started, context);
            }
            throw e;
        } catch (RuntimeException e) {
            // Nimbus and the JDK may throw unchecked exceptions on hostile input; the contract is
            // invalid_token, never an unchecked exception (docs/security.md case 5).
            TokenValidationException x = reject.invalid("token is malformed");
            if (audited) {
                emit(a, a.claims, x, started, context);
            }
            throw x;
        }
    }

    private ValidatedToken check(String token, PresentedToken presented, Attempt a) throws TokenValidationException {
        if (token == null || token.isEmpty()) {
            throw reject.invalid("token is missing");
        }
        if (token.length() > s.maxTokenLength()) {
            // docs/security.md case 6: the cap comes before any decoding, and before hashing.
            throw reject.invalid("token is too long");
        }
        a.hashable(token);
        Instant now = s.clock().instant();
        if (cache != null) {
            // Asked before the shape check: a hit is a string equal to one that passed every check,
            // shape included, so scanning it again would only repeat a verdict (docs/benchmarks.md, row 3).
            ValidatedToken seen = cache.find(a.hash(), token, now);
            if (seen != null) {
                a.fromCache = true;
                a.claims = seen;
                return requireScopes(requirePresentation(seen, presented, a));
            }
        }
        TokenShape shape = TokenShape.of(token);
        if (shape == null) {
            throw reject.invalid("token is malformed");
        }
        ValidatedToken v;
        Instant notAfter;
        if (shape.dots() == 2) {
            // The hash only when the cache computed it: otherwise the token computes its own if
            // and when something asks (an audit fingerprint, an exchange).
            v = jwt.check(token, shape, a.hashIfComputed(), now, a);
            notAfter = v.expiresAt();
        } else if (shape.dots() == 4) {
            throw reject.invalid("encrypted tokens are not accepted");
        } else if (introspection != null) {
            // Anything that is not a compact JWS or JWE is opaque to us, dots or not (Ory issues
            // "ory_at_<payload>.<signature>"): only the authorization server can judge it (RFC 7662 §2).
            v = introspection.check(token, a.hash(), now, a);
            notAfter = introspection.reusableUntil(v, now);
        } else if (shape.dots() == 0) {
            throw reject.invalid("token is not a signed JWT");
        } else {
            throw reject.invalid("token is malformed");
        }
        if (cache != null) {
            cache.put(a.hash(), v, notAfter, now);
        }
        return requireScopes(requirePresentation(v, presented, a));
    }

    /**
     * RFC 9449 §7.1, §7.2: a token bound to a DPoP key is accepted only with a proof by that key for
     * this request, never as a bearer token (a stolen bound token is useless without the key); a
     * bearer token costs one field read here.
     *
     * @param presented the DPoP presentation, or {@code null} for a bearer token
     */
    private ValidatedToken requirePresentation(ValidatedToken v, PresentedToken presented, Attempt a)
            throws TokenValidationException {
        if (presented != null) {
            dpop.verify(presented, v, a.hash());
        } else if (v.dpopKeyThumbprint().isPresent()) {
            throw reject.invalid("token is DPoP-bound; send it with the DPoP scheme and a proof");
        }
        return v;
    }

    private ValidatedToken requireScopes(ValidatedToken v) throws TokenValidationException {
        if (!v.scopes().containsAll(s.requiredScopes())) {
            throw reject.insufficientScope();
        }
        return v;
    }

    private void emit(Attempt a, ValidatedToken v, TokenValidationException e, long started, AuditContext context) {
        ValidationEvent event = new ValidationEvent(s.clock().instant(), e == null,
                e == null ? null : e.error(), e == null ? null : e.description(),
                v == null ? null : v.subject(), v == null ? null : v.clientId(), v == null ? null : v.issuer(),
                v == null ? List.of() : v.audiences(), v == null ? Set.of() : v.scopes(),
                a.fingerprint(), a.fromCache, Duration.ofNanos(System.nanoTime() - started), context);
        Listeners.safely(() -> s.audit().onValidation(event));
    }
}
