package dev.baton;

/**
 * The error codes a protected resource returns in a {@code Bearer} (RFC 6750 §3.1) or {@code DPoP}
 * (RFC 9449 §7.1, §9) challenge, each with the HTTP status that goes with it.
 */
public enum BearerError {
    /** Malformed request: several credentials, a token in the query or body (RFC 6750 §3.1). HTTP 400. */
    INVALID_REQUEST("invalid_request", 400),
    /** The token is expired, revoked, malformed or invalid for another reason (RFC 6750 §3.1). HTTP 401. */
    INVALID_TOKEN("invalid_token", 401),
    /** The token is valid but lacks a scope the resource requires (RFC 6750 §3.1). HTTP 403. */
    INSUFFICIENT_SCOPE("insufficient_scope", 403),
    /**
     * The DPoP proof that came with a DPoP-bound token is missing, malformed, signed by a key the
     * token is not bound to, made for another request, too old or replayed (RFC 9449 §7.1). HTTP 401,
     * answered with a {@code DPoP} challenge.
     */
    INVALID_DPOP_PROOF("invalid_dpop_proof", 401),
    /**
     * The resource server requires a nonce it issued in the DPoP proof (RFC 9449 §9); the answer
     * carries the nonce to use in a {@code DPoP-Nonce} header
     * ({@link TokenValidationException#dpopNonce()}). HTTP 401, answered with a {@code DPoP} challenge.
     */
    USE_DPOP_NONCE("use_dpop_nonce", 401);

    private final String code;
    private final int httpStatus;

    BearerError(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The {@code error} value as it appears on the wire, for example {@code invalid_token}. */
    public String code() {
        return code;
    }

    /** The HTTP status RFC 6750 §3.1 recommends for this error. */
    public int httpStatus() {
        return httpStatus;
    }
}
