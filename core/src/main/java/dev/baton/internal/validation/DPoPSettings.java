package dev.baton.internal.validation;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The checked DPoP configuration of one issuer's validator (RFC 9449 §4.3, §7.1, §9), as the
 * public builder produced it. Not API.
 *
 * @param algorithmNames the JWS algorithms accepted for proofs, in the configured order (advertised
 *     in {@code algs} and {@code dpop_signing_alg_values_supported})
 * @param algorithms the same, as Nimbus values
 * @param maxAge how old a proof's {@code iat} may be
 * @param replayCacheSize how many proofs ({@code jti}) are remembered at most
 * @param nonces whether proofs must carry a nonce this validator issued
 */
public record DPoPSettings(List<String> algorithmNames, Set<JWSAlgorithm> algorithms, Duration maxAge,
        int replayCacheSize, boolean nonces) {
}
