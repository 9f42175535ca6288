package dev.baton.internal.dpop;

/**
 * Whether and how an exchanger binds its tokens to a DPoP key (RFC 9449 §5). Not API.
 *
 * @param signer the key's signer, or {@code null} when the exchanger does not use DPoP
 * @param acceptBearer whether a {@code Bearer} answer to a request with a proof is accepted (an
 *     authorization server that does not require DPoP for the client may ignore the proof, RFC 9449
 *     §5) rather than refused
 */
public record DPoPBinding(ProofSigner signer, boolean acceptBearer) {
    /** No DPoP: token requests carry no proof and only Bearer tokens are accepted. */
    public static final DPoPBinding OFF = new DPoPBinding(null, false);

    /** Whether token requests carry a proof. */
    public boolean enabled() {
        return signer != null;
    }
}
