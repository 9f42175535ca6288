package dev.baton.internal.validation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.impl.ECDSA;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The signature check of RS256/384/512 and ES256/384/512 with the JDK's own {@link Signature}, one
 * instance per algorithm and thread, looked up once. Nimbus' {@code RSASSAVerifier} and
 * {@code ECDSAVerifier} look the implementation up on every call ({@code Signature.getInstance},
 * a provider search) and, for ECDSA, re-encode the signature as DER; here the JWS's raw
 * {@code R||S} goes to the JDK's P1363 form of ECDSA as it is. The checks are Nimbus' own: for
 * ECDSA the exact signature length of the curve and {@link ECDSA#ensureLegalSignature} (no zero or
 * out-of-range {@code R} or {@code S}, CVE-2022-21449), for RSA the JDK's length check. PS256/384/512
 * keep Nimbus' verifier (their parameters differ by provider). Not API.
 */
final class JcaSignatures {
    /** The JCA names of the algorithms checked here. */
    private enum Alg {
        RS256("SHA256withRSA", false), RS384("SHA384withRSA", false), RS512("SHA512withRSA", false),
        ES256("SHA256withECDSAinP1363Format", true), ES384("SHA384withECDSAinP1363Format", true),
        ES512("SHA512withECDSAinP1363Format", true);

        final String jca;
        final boolean ecdsa;

        Alg(String jca, boolean ecdsa) {
            this.jca = jca;
            this.ecdsa = ecdsa;
        }

        static Alg of(JWSAlgorithm alg) {
            switch (alg.getName()) {
                case "RS256":
                    return RS256;
                case "RS384":
                    return RS384;
                case "RS512":
                    return RS512;
                case "ES256":
                    return ES256;
                case "ES384":
                    return ES384;
                case "ES512":
                    return ES512;
                default:
                    return null;
            }
        }
    }

    // A Signature is stateful and not thread-safe: one per thread and algorithm, re-initialised
    // with the key on every check (initVerify resets it).
    private static final ThreadLocal<Map<Alg, Signature>> SIGNATURES =
            ThreadLocal.withInitial(() -> new EnumMap<>(Alg.class));

    private JcaSignatures() {
    }

    /** Whether {@link #verify} checks {@code alg}; otherwise the key's Nimbus verifier must. */
    static boolean handles(JWSAlgorithm alg) {
        return Alg.of(alg) != null;
    }

    /**
     * Whether {@code signature} is {@code key}'s valid signature of the signing input
     * {@code input[0, length)} under {@code alg} (one {@link #handles handled}); {@code false} for
     * any malformed signature or unusable key. The input is a prefix so that a token's bytes need
     * not be copied to drop its signature part.
     *
     * @throws IndexOutOfBoundsException if {@code length} is negative or beyond {@code input}
     */
    static boolean verify(JWSAlgorithm alg, PublicKey key, byte[] input, int length, byte[] signature) {
        Objects.checkFromIndexSize(0, length, input.length);
        Alg a = Alg.of(alg);
        if (a == null) {
            return false;
        }
        try {
            if (a.ecdsa) {
                if (signature.length != ECDSA.getSignatureByteArrayLength(alg)) {
                    return false;
                }
                ECDSA.ensureLegalSignature(signature, alg);
            }
            Map<Alg, Signature> mine = SIGNATURES.get();
            Signature s = mine.get(a);
            if (s == null) {
                s = Signature.getInstance(a.jca);
                mine.put(a, s);
            }
            s.initVerify(key);
            s.update(input, 0, length);
            return s.verify(signature);
        } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
            // An illegal signature, a key of the wrong type or a provider failure: not verified.
            return false;
        }
    }
}
