package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest extends ValidatorTestSupport {

    @Test
    void revalidationIsServedFromTheCache() throws Exception {
        TokenValidator v = validator();
        String token = token().sign();

        v.validate(token);
        ValidatedToken again = v.validate(token);

        assertThat(again.subject()).isEqualTo("alice");
        assertThat(audit.validations()).extracting(ValidationEvent::fromCache).containsExactly(false, true);
    }

    @Test
    void cacheHitNeedsNoKeysAndNoSignatureCheck() throws Exception {
        TokenValidator v = validator();
        String token = token().expiresIn(Duration.ofHours(1)).sign();
        v.validate(token);
        // Make every key unusable: nothing could verify a signature any more.
        as.unpublish("rsa-1").jwksResponse(new MockResponse.Builder().code(500).build());
        clock.advance(Duration.ofMinutes(25));

        assertThat(v.validate(token).subject()).isEqualTo("alice");
        assertThat(audit.lastValidation().fromCache()).isTrue();
    }

    @Test
    void cacheHitStillChecksExpiryAgainstTheClock() throws Exception {
        TokenValidator v = validator();
        String token = token().expiresIn(Duration.ofMinutes(2)).sign();
        v.validate(token);

        clock.advance(Duration.ofMinutes(2).plusSeconds(61));

        TokenValidationException e = assertInvalid(v, token);
        assertThat(e.description()).isEqualTo("token is expired");
    }

    @Test
    void cacheHitStillChecksRequiredScopes() throws Exception {
        TokenValidator v = validator();
        String token = token().scope("openid").sign();

        assertRejected(v, token, BearerError.INSUFFICIENT_SCOPE);
        assertRejected(v, token, BearerError.INSUFFICIENT_SCOPE);

        assertThat(audit.lastValidation().fromCache()).isTrue();
    }

    @Test
    void rejectedTokensAreNotCached() {
        TokenValidator v = validator();
        String token = token().audience("backend").sign();

        assertInvalid(v, token);
        assertInvalid(v, token);

        assertThat(audit.validations()).extracting(ValidationEvent::fromCache).containsExactly(false, false);
    }

    @Test
    void aSizeOfZeroDisablesTheCache() throws Exception {
        TokenValidator v = builder().verifiedTokenCacheSize(0).build();
        String token = token().sign();

        v.validate(token);
        v.validate(token);

        assertThat(audit.validations()).extracting(ValidationEvent::fromCache).containsExactly(false, false);
    }
}
