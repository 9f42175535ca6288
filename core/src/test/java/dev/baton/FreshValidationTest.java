package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fresh validation that needs no hash (no verified-token cache, no audit listener) and keeps the
 * parser's claims without copying them still returns a complete, immutable token.
 */
class FreshValidationTest extends ValidatorTestSupport {

    private TokenValidator uncachedUnaudited() {
        return builder().auditListener(AuditListener.none()).verifiedTokenCacheSize(0).build();
    }

    @Test
    void theFingerprintOfATokenNothingHashedIsStillItsSha256() throws Exception {
        String token = token().sign();

        ValidatedToken v = uncachedUnaudited().validate(token);

        assertThat(v.fingerprint()).isEqualTo(ValidatedToken.fingerprintOf(token));
    }

    @Test
    void theAuditedFingerprintIsTheTokensOwn() throws Exception {
        String token = token().sign();

        builder().verifiedTokenCacheSize(0).build().validate(token);

        assertThat(audit.lastValidation().tokenFingerprint()).isEqualTo(ValidatedToken.fingerprintOf(token));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theClaimsOfAFreshTokenAreUnmodifiableAllTheWayDown() throws Exception {
        String token = token().audienceArray(AUDIENCE, "other").claim("act", java.util.Map.of("sub", "agent")).sign();

        ValidatedToken v = uncachedUnaudited().validate(token);

        assertThat(v.audiences()).containsExactly(AUDIENCE, "other");
        assertThatThrownBy(() -> v.claims().put("sub", "mallory")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>) v.claims().get("aud")).add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((java.util.Map<String, Object>) v.claims().get("act")).put("sub", "x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(v.actor()).hasValueSatisfying(a -> assertThat(a.subject()).isEqualTo("agent"));
    }
}
