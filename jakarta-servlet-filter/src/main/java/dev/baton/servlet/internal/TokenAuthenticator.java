package dev.baton.servlet.internal;

import dev.baton.AuditContext;
import dev.baton.PresentedToken;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a bearer token may call a path: the {@link TokenValidator} checks the token,
 * then the path's own scope rules apply. Not API.
 */
public final class TokenAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticator.class);

    private final TokenValidator validator;

    /** @param validator checks the tokens and reports each check to its own audit listener */
    public TokenAuthenticator(TokenValidator validator) {
        this.validator = validator;
    }

    /**
     * The accepted token.
     *
     * @param presented the resolved token, bearer or DPoP with its proof
     * @param pathScopes the scopes the path's rules require on top of the validator's
     * @param context the request method and path, for the validator's audit event
     * @throws Refusal the validator's refusal; {@code invalid_token} when the validator breaks its
     *     contract (throws unchecked, returns {@code null}); {@code insufficient_scope} when a path
     *     scope is missing
     */
    public ValidatedToken authenticate(PresentedToken presented, Set<String> pathScopes, AuditContext context)
            throws Refusal {
        ValidatedToken validated;
        boolean dpop = presented.isDPoP();
        try {
            validated = validator.validate(presented, context);
        } catch (TokenValidationException e) {
            throw Refusal.byValidator(e, dpop);
        } catch (RuntimeException e) {
            // Fail closed without a 500 and without the exception's message, which is not known to
            // be free of token content.
            LOG.error("token validator threw {}; request refused", e.getClass().getName());
            throw Refusal.validatorFailure(presented.token(), dpop);
        }
        if (validated == null) {
            LOG.error("token validator returned null; request refused");
            throw Refusal.validatorFailure(presented.token(), dpop);
        }
        if (!validated.scopes().containsAll(pathScopes)) {
            throw Refusal.missingPathScope(validated, dpop);
        }
        return validated;
    }
}
