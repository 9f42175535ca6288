package dev.baton.servlet.internal;

import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.ValidatedToken;
import dev.baton.ValidationEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Why the filter refuses a request: what the answer tells the client (written by
 * {@link ChallengeWriter}) and what the audit trail records. Thrown by {@link BearerTokenResolver}
 * and {@link TokenAuthenticator}, caught by the filter. It never holds the token, only its
 * fingerprint, and its message is the client-safe description. Not API.
 */
public final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    /** The RFC 6750 §3.1 error, or {@code null} for a request that carried no token (no error code then). */
    private final BearerError error;
    private final String description;
    /** Whether the authorization server, not the token, is at fault (answered 503). */
    private final boolean unavailable;
    /** Scopes the validator required, named first in an {@code insufficient_scope} challenge. */
    private final Set<String> validatorScopes;
    /** What the filter reports to its audit listener, or {@code null} when the validator already did. */
    private final String auditReason;
    private final String fingerprint;
    /** The accepted token a path rule refused, for the audit event; otherwise {@code null}. */
    private final transient ValidatedToken token;
    /** Whether the error belongs in the {@code DPoP} challenge (RFC 9449 §7.1) rather than the {@code Bearer} one. */
    private final boolean dpop;
    /** The nonce for a {@code DPoP-Nonce} header (RFC 9449 §9), or {@code null}. */
    private final String dpopNonce;

    private Refusal(BearerError error, String description, boolean unavailable, Set<String> validatorScopes,
            String auditReason, String fingerprint, ValidatedToken token, boolean dpop, String dpopNonce) {
        super(description, null, false, false);
        this.error = error;
        this.description = description;
        this.unavailable = unavailable;
        this.validatorScopes = validatorScopes;
        this.auditReason = auditReason;
        this.fingerprint = fingerprint;
        this.token = token;
        this.dpop = dpop;
        this.dpopNonce = dpopNonce;
    }

    /** No token of an accepted scheme (RFC 6750 §3.1: the answer carries no error code). */
    static Refusal missingToken() {
        return new Refusal(null, "A bearer token is required.", false, Set.of(), "no bearer token", null, null, false,
                null);
    }

    /** Several credentials or a token outside the header (RFC 6750 §2, §3.1 {@code invalid_request}). */
    static Refusal invalidRequest(String description) {
        return new Refusal(BearerError.INVALID_REQUEST, description, false, Set.of(), description, null, null, false,
                null);
    }

    /**
     * A token that is too long or not a {@code b64token}; {@code token} is {@code null} when not read.
     *
     * @param dpop whether it came with the {@code DPoP} scheme
     */
    static Refusal malformedToken(String description, String token, boolean dpop) {
        return new Refusal(BearerError.INVALID_TOKEN, description, false, Set.of(), description,
                token == null ? null : ValidatedToken.fingerprintOf(token), null, dpop, null);
    }

    /** A bearer token where only DPoP-bound tokens are accepted (RFC 9449 §7.1). */
    static Refusal bearerNotAccepted() {
        return new Refusal(BearerError.INVALID_TOKEN,
                "This resource accepts only DPoP-bound tokens, sent with the DPoP scheme and a proof.", false,
                Set.of(), "bearer token where DPoP is required", null, null, true, null);
    }

    /** A DPoP presentation whose proof header is missing, repeated or too long (RFC 9449 §4.3 checks 1, 2). */
    static Refusal invalidProof(String description, String token) {
        return new Refusal(BearerError.INVALID_DPOP_PROOF, description, false, Set.of(), description,
                ValidatedToken.fingerprintOf(token), null, true, null);
    }

    /**
     * The validator's refusal; the validator has reported it already.
     *
     * @param dpop whether the token came with the {@code DPoP} scheme
     */
    static Refusal byValidator(TokenValidationException e, boolean dpop) {
        Set<String> scopes = e.error() == BearerError.INSUFFICIENT_SCOPE ? e.requiredScopes() : Set.of();
        boolean proofError = e.error() == BearerError.INVALID_DPOP_PROOF || e.error() == BearerError.USE_DPOP_NONCE;
        return new Refusal(e.error(), e.description(), e.isServiceUnavailable(), scopes, null, null, null,
                dpop || proofError, e.dpopNonce().orElse(null));
    }

    /** A validator that broke its contract (threw unchecked, returned {@code null}): fail closed. */
    static Refusal validatorFailure(String token, boolean dpop) {
        return new Refusal(BearerError.INVALID_TOKEN, "The token could not be validated.", false, Set.of(),
                "validator failure", ValidatedToken.fingerprintOf(token), null, dpop, null);
    }

    /** An accepted token that lacks a scope a path rule requires. */
    static Refusal missingPathScope(ValidatedToken token, boolean dpop) {
        return new Refusal(BearerError.INSUFFICIENT_SCOPE, "The token lacks a scope this resource requires.", false,
                Set.of(), "missing a scope this path requires", token.fingerprint(), token, dpop, null);
    }

    /**
     * An accepted token that lacks a scope one operation requires, such as an MCP tool call
     * (baton-mcp's per-tool rules); answered 403 {@code insufficient_scope} with the scopes the
     * caller passes to {@link ChallengeWriter#write}, in the challenge of the scheme the token came
     * with.
     *
     * @param reason the client-safe description, also the audit reason; never token content
     * @param dpop whether the token came with the {@code DPoP} scheme ({@link TokenHandOff#isDPoP})
     */
    public static Refusal missingOperationScope(ValidatedToken token, String reason, boolean dpop) {
        return new Refusal(BearerError.INSUFFICIENT_SCOPE, reason, false, Set.of(), reason, token.fingerprint(), token,
                dpop, null);
    }

    BearerError error() {
        return error;
    }

    boolean dpop() {
        return dpop;
    }

    String dpopNonce() {
        return dpopNonce;
    }

    String description() {
        return description;
    }

    boolean unavailable() {
        return unavailable;
    }

    /** The challenge's {@code scope}: the validator's required scopes, then {@code requestScopes}. */
    Set<String> challengeScopes(Set<String> requestScopes) {
        if (validatorScopes.isEmpty()) {
            return requestScopes;
        }
        Set<String> scopes = new LinkedHashSet<>(validatorScopes);
        scopes.addAll(requestScopes);
        return scopes;
    }

    /** Reports the refusal to {@code audit}, unless the validator already reported it. */
    public void report(AuditListener audit, AuditContext context) {
        if (auditReason == null) {
            return;
        }
        audit.onValidation(token == null
                ? new ValidationEvent(Clock.systemUTC().instant(), false, error, auditReason, null, null, null,
                        List.of(), Set.of(), fingerprint, false, Duration.ZERO, context)
                : new ValidationEvent(Clock.systemUTC().instant(), false, error, auditReason, token.subject(),
                        token.clientId(), token.issuer(), token.audiences(), token.scopes(), fingerprint, false,
                        Duration.ZERO, context));
    }
}
