package dev.baton.servlet;

/**
 * Which kinds of access token a protected resource accepts (RFC 9449 §7): plain bearer tokens
 * (RFC 6750), DPoP-bound tokens with a proof of possession, or both. Whatever the policy, a token
 * bound to a DPoP key ({@code cnf.jkt}) is never accepted as a bearer token (RFC 9449 §7.2): a
 * stolen bound token is useless without the client's private key.
 *
 * <p>Set with {@link BearerTokenFilter.Builder#dpop(DPoPPolicy)} or the {@code dpop} init parameter
 * ({@code bearer-only}, {@code accepted}, {@code required}).
 */
public enum DPoPPolicy {
    /**
     * {@code Authorization: Bearer} only, as before DPoP: the {@code DPoP} scheme is treated as no
     * token, and challenges name only {@code Bearer}. The default.
     */
    BEARER_ONLY,
    /**
     * Both schemes: {@code Authorization: Bearer <token>} for plain tokens and
     * {@code Authorization: DPoP <token>} with one {@code DPoP} proof header for bound ones.
     * Challenges name both ({@code Bearer …} and {@code DPoP algs="…"}); the metadata lists
     * {@code dpop_signing_alg_values_supported}.
     */
    ACCEPTED,
    /**
     * DPoP-bound tokens with a proof only: a bearer token is refused with a {@code DPoP} challenge,
     * and the metadata says {@code dpop_bound_access_tokens_required: true} (RFC 9728 §2).
     */
    REQUIRED
}
