package dev.baton.internal.validation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.AccessTokenValidationException;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPNonceException;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPProofException;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import dev.baton.PresentedToken;
import dev.baton.TokenValidationException;
import dev.baton.ValidatedToken;
import dev.baton.internal.TokenHash;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Checks the DPoP proof that came with a DPoP-bound token (RFC 9449 §4.3 and §7.1): one proof of
 * at most {@link PresentedToken#MAX_DPOP_PROOF_LENGTH} characters, a signed JWT of {@code typ} {@code dpop+jwt}, an
 * allowed asymmetric algorithm, a public {@code jwk} whose signature verifies, {@code htm} and
 * {@code htu} of this request, a fresh {@code iat}, the server's nonce when nonces are required,
 * {@code ath} of this token, the key the token's {@code cnf.jkt} names, and a {@code jti} not seen
 * before. Nimbus' {@link DPoPProtectedResourceRequestVerifier} is the authority for all but the
 * {@code htu} normalization and the replay check; the checks before it read the same parsed values
 * only to tell the client which rule failed, in fixed words that never quote the proof. Not API.
 */
final class DPoPProofCheck {
    private static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");

    private final DPoPSettings settings;
    private final DPoPProtectedResourceRequestVerifier verifier;
    private final DPoPReplayCache replays;
    private final DPoPNonces nonces;
    private final Duration skew;
    private final Clock clock;
    private final Rejections reject;

    /**
     * @param settings the DPoP configuration
     * @param clockSkew the validator's clock skew, the tolerance for a proof's {@code iat} in the
     *     future (at most the proof age accepted)
     * @param clock the validator's clock
     * @param reject the validator's rejections
     */
    DPoPProofCheck(DPoPSettings settings, Duration clockSkew, Clock clock, Rejections reject) {
        this.settings = settings;
        this.skew = clockSkew.compareTo(settings.maxAge()) < 0 ? clockSkew : settings.maxAge();
        // No single-use checker in Nimbus: the replay check runs after every other check passed,
        // so a proof refused for another reason does not use up its jti.
        this.verifier = new DPoPProtectedResourceRequestVerifier(settings.algorithms(), skew.toSeconds(),
                settings.maxAge().toSeconds(), null);
        this.replays = new DPoPReplayCache(settings.replayCacheSize(), settings.maxAge().plus(skew), clock);
        this.nonces = settings.nonces() ? new DPoPNonces(clock) : null;
        this.clock = clock;
        this.reject = reject;
    }

    /**
     * Passes when the proof of {@code presented} proves possession of the key {@code token} is bound
     * to, for this request.
     *
     * @param presented a DPoP presentation
     * @param token the validated token it presented
     * @param hash the token's hash, whose base64url form is the expected {@code ath}
     * @throws TokenValidationException {@code invalid_token} for a token not bound to a key,
     *     {@code use_dpop_nonce} for a proof without a current nonce, {@code invalid_dpop_proof} for
     *     any other failure
     */
    void verify(PresentedToken presented, ValidatedToken token, TokenHash hash) throws TokenValidationException {
        String jkt = token.dpopKeyThumbprint().orElse(null);
        if (jkt == null) {
            // RFC 9449 §7.1: the proof must match the key the token is bound to; this token names none.
            throw reject.invalid("token is not DPoP-bound; send it with the Bearer scheme");
        }
        String text = presented.dpopProof().orElse(null);
        if (text == null || text.isEmpty()) {
            throw reject.invalidProof("DPoP proof is missing");
        }
        if (text.length() > PresentedToken.MAX_DPOP_PROOF_LENGTH) {
            // docs/security.md case 6, for proofs: the cap comes before any decoding.
            throw reject.invalidProof("DPoP proof is too long");
        }
        SignedJWT proof;
        JWTClaimsSet claims;
        try {
            // Nimbus refuses a jwk header with private key members while parsing (RFC 9449 §4.3 check 7).
            proof = SignedJWT.parse(text);
            claims = proof.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject.invalidProof("DPoP proof is malformed");
        }
        String method = presented.method().orElseThrow();
        URI requestUri = presented.requestUri().orElseThrow();
        String htu = checkHeaderAndClaims(proof.getHeader(), claims, method, requestUri, hash, jkt);
        try {
            verifier.verify(method, URI.create(htu), new DPoPIssuer(jkt), proof, new DPoPAccessToken(token.value()),
                    new JWKThumbprintConfirmation(new Base64URL(jkt)), nonces == null ? null : nonces.accepted(),
                    null);
        } catch (InvalidDPoPNonceException e) {
            if (nonces == null) {
                throw reject.invalidProof("DPoP proof carries a nonce this server did not issue");
            }
            throw reject.useNonce("DPoP proof nonce is not current", nonces.current());
        } catch (InvalidDPoPProofException | AccessTokenValidationException | JOSEException e) {
            // The rules above were checked already: what is left is the signature, or a claim Nimbus
            // checks beyond them (an exp or nbf in the proof).
            throw reject.invalidProof("DPoP proof signature or claims are invalid");
        }
        if (!replays.firstUse(jkt, claims.getJWTID())) {
            throw reject.invalidProof("DPoP proof was already used");
        }
    }

    /**
     * The checks that name the failed rule, on the values Nimbus parsed. Returns the proof's
     * {@code htu}, which matched the request once both were normalized: Nimbus compares that string
     * with the URI it is given, so it is given the proof's own.
     */
    private String checkHeaderAndClaims(JWSHeader header, JWTClaimsSet claims, String method, URI requestUri,
            TokenHash hash, String jkt) throws TokenValidationException {
        if (header.getType() == null || !TYPE.equals(header.getType())) {
            throw reject.invalidProof("DPoP proof typ must be dpop+jwt");
        }
        // RFC 9449 §4.3 check 5: an asymmetric algorithm from the allow-list (never none or HMAC).
        if (!settings.algorithms().contains(header.getAlgorithm())) {
            throw reject.invalidProof("DPoP proof algorithm is not accepted");
        }
        JWK jwk = header.getJWK();
        if (jwk == null || jwk.isPrivate()) {
            throw reject.invalidProof("DPoP proof must carry its public key in jwk");
        }
        String htm;
        String htu;
        String ath;
        String jti;
        String nonce;
        Date iat;
        try {
            htm = claims.getStringClaim("htm");
            htu = claims.getStringClaim("htu");
            ath = claims.getStringClaim("ath");
            jti = claims.getStringClaim("jti");
            nonce = claims.getStringClaim("nonce");
            iat = claims.getDateClaim("iat");
        } catch (ParseException e) {
            throw reject.invalidProof("DPoP proof claims are malformed");
        }
        if (htm == null || htu == null || jti == null || jti.isEmpty() || iat == null) {
            throw reject.invalidProof("DPoP proof lacks htm, htu, jti or iat");
        }
        if (!htm.equals(method)) {
            throw reject.invalidProof("DPoP proof htm does not match the request method");
        }
        String expected = TargetUri.normalize(requestUri.toString());
        if (expected == null || !expected.equals(TargetUri.normalize(htu)) || htu.indexOf('?') >= 0
                || htu.indexOf('#') >= 0) {
            throw reject.invalidProof("DPoP proof htu does not match the request URI");
        }
        Instant now = clock.instant();
        Instant issued = iat.toInstant();
        if (issued.isAfter(now.plus(skew))) {
            throw reject.invalidProof("DPoP proof is issued in the future");
        }
        if (issued.isBefore(now.minus(settings.maxAge()))) {
            throw reject.invalidProof("DPoP proof is too old");
        }
        if (nonces == null && nonce != null) {
            // Nimbus' verifier, like RFC 9449 §9, knows no nonce the server did not hand out.
            throw reject.invalidProof("DPoP proof carries a nonce this server did not issue");
        }
        if (nonces != null && (nonce == null || nonces.accepted().stream().noneMatch(n -> n.getValue().equals(nonce)))) {
            throw reject.useNonce(nonce == null ? "DPoP proof needs the resource server's nonce"
                    : "DPoP proof nonce is not current", nonces.current());
        }
        if (ath == null || !ath.equals(hash.base64Url())) {
            throw reject.invalidProof("DPoP proof ath does not match the token");
        }
        try {
            if (!jwk.computeThumbprint().toString().equals(jkt)) {
                throw reject.invalidProof("DPoP proof key is not the key the token is bound to");
            }
        } catch (JOSEException e) {
            throw reject.invalidProof("DPoP proof key is not the key the token is bound to");
        }
        return htu;
    }
}
