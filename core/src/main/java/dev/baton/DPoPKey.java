package dev.baton;

import dev.baton.internal.dpop.ProofSigner;
import java.net.URI;
import java.security.KeyPair;

/**
 * The key a {@link TokenExchanger} proves possession of with DPoP (OAuth 2.0 Demonstrating Proof of
 * Possession, RFC 9449), so the tokens it obtains are bound to it: a token that leaks (a log, a heap
 * dump, a compromised backend) is useless without this key. Immutable and thread-safe;
 * {@link #toString()} shows the algorithm and the public key's thumbprint, never the private key.
 *
 * <pre>{@code
 * TokenExchanger exchanger = TokenExchanger.builder()
 *     .tokenEndpoint("https://idp.example.com/oauth2/backend/v1/token")
 *     .clientAuthentication(ClientAuthentication.privateKeyJwt(clientId, privateKey, keyId, "RS256"))
 *     .dpop()                                  // a new EC P-256 key; or .dpop(DPoPKey.of(keyPair, "ES256"))
 *     .build();
 * }</pre>
 *
 * <p>A generated key lives as long as the JVM: tokens bound to it are cached by the exchanger that
 * holds it and are never usable by another process. Supply one with {@link #of(KeyPair, String)} when
 * several instances must share tokens (a shared cache) or the key lives in a hardware module.
 */
public final class DPoPKey {
    private final ProofSigner signer;

    private DPoPKey(ProofSigner signer) {
        this.signer = signer;
    }

    /**
     * A new EC P-256 key, signing ES256 proofs: the default, small and fast to sign.
     *
     * @throws IllegalStateException if the JVM offers no EC P-256 key generator
     */
    public static DPoPKey generate() {
        return new DPoPKey(ProofSigner.generate());
    }

    /**
     * An application's key pair: {@code ES256} with an EC P-256 key, or {@code RS256} / {@code PS256}
     * with an RSA key of at least 2048 bits (asymmetric only, RFC 9449 §4.2). The private key is used
     * only through {@code java.security.Signature}, so a non-extractable one (PKCS#11) works.
     *
     * @param keyPair the key pair; the public key goes into every proof's {@code jwk} header
     * @param algorithm {@code ES256}, {@code RS256} or {@code PS256}
     * @throws IllegalArgumentException if the algorithm is not one of those, or does not fit the key
     * @throws NullPointerException if an argument or either key is null
     */
    public static DPoPKey of(KeyPair keyPair, String algorithm) {
        return new DPoPKey(ProofSigner.of(keyPair, algorithm));
    }

    /** The JWS algorithm of the proofs: {@code ES256}, {@code RS256} or {@code PS256}. */
    public String algorithm() {
        return signer.algorithm();
    }

    /**
     * The RFC 7638 SHA-256 thumbprint of the public key, base64url without padding: the value an
     * authorization server puts in the {@code cnf.jkt} claim of a token bound to this key (RFC 9449
     * §6.1), and {@link ExchangedToken#dpopKeyThumbprint()} of such a token.
     */
    public String thumbprint() {
        return signer.thumbprint();
    }

    /**
     * A fresh DPoP proof (RFC 9449 §4.2), the value of the {@code DPoP} header of one HTTP request: for
     * an HTTP client Baton has no adapter for. Each call makes a new proof with a new {@code jti};
     * never send one twice or to another URL. A proof is a credential for its short lifetime: never
     * log it.
     *
     * @param method the request's method ({@code htm}), for example {@code GET}
     * @param url the request's URL; {@code htu} leaves out its query and fragment
     * @param accessToken the DPoP-bound access token sent with the request ({@code ath}, RFC 9449 §7),
     *     or {@code null} for a token request
     * @param nonce the latest {@code DPoP-Nonce} the server sent (RFC 9449 §8, §9), or {@code null}
     * @return the compact JWS, {@code typ dpop+jwt}
     * @throws IllegalArgumentException if the method is not an HTTP method token, the URL not an
     *     absolute http(s) URL, or the nonce not an RFC 9449 §8.1 nonce
     * @throws NullPointerException if {@code method} or {@code url} is null
     * @throws IllegalStateException if the key could not sign (a hardware key that became unavailable)
     */
    public String proof(String method, URI url, String accessToken, String nonce) {
        return signer.proof(method, url, accessToken, nonce);
    }

    /** The signer the exchanger uses for its token requests. */
    ProofSigner signer() {
        return signer;
    }

    /** The algorithm and the thumbprint; never the private key. */
    @Override
    public String toString() {
        return "DPoPKey[alg=" + algorithm() + ", jkt=" + thumbprint() + "]";
    }
}
