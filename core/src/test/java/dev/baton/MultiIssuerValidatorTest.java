package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.TestAuthorizationServer;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class MultiIssuerValidatorTest extends ValidatorTestSupport {
    @StartStop
    private final MockWebServer otherServer = new MockWebServer();
    private final TestAuthorizationServer other = new TestAuthorizationServer(otherServer, "/tenant-b");

    private TokenValidator both() {
        TokenValidator a = validator();
        TokenValidator b = TokenValidator.builder().issuer(other.issuer()).audience(AUDIENCE).requiredScopes(SCOPE)
                .clock(clock).auditListener(audit).build();
        return TokenValidator.forIssuers(audit, a, b);
    }

    @Test
    void acceptsTokensOfEachIssuer() throws Exception {
        other.clock(clock);
        TokenValidator v = both();

        assertThat(v.validate(token().sign()).issuer()).isEqualTo(as.issuer());
        assertThat(v.validate(other.token().subject("bob").audience(AUDIENCE).scope(SCOPE).sign()).issuer())
                .isEqualTo(other.issuer());
    }

    @Test
    void rejectsUnknownIssuerWithoutAnyNetworkCall() {
        TokenValidator v = both();

        TokenValidationException e = assertInvalid(v, token().issuer("https://unknown.example.com").sign());

        assertThat(e.description()).isEqualTo("token is from an unknown issuer");
        assertThat(as.totalRequests()).isZero();
        assertThat(other.totalRequests()).isZero();
    }

    @Test
    void neverVerifiesATokenOfOneIssuerWithTheKeysOfAnother() {
        // Signed with issuer A's key (kid rsa-1), claiming issuer B, whose own key is also called rsa-1.
        String forged = token().issuer(other.issuer()).sign();

        assertInvalid(both(), forged);
        assertThat(as.jwksRequests()).isZero();
    }

    @Test
    void leavesATokenLongerThanItsIssuersCapToThatIssuersValidator() {
        TokenValidator v = both();
        String longToken = token().claim("padding", "x".repeat(TokenValidator.Builder.DEFAULT_MAX_TOKEN_LENGTH)).sign();

        TokenValidationException e = assertInvalid(v, longToken);

        assertThat(e.description()).isEqualTo("token is too long");
        assertThat(as.totalRequests()).isZero();
    }

    @Test
    void readsNoTokenLongerThanAnyValidatorAccepts() {
        TokenValidator v = both();
        String huge = token().claim("padding", "x".repeat(70_000)).sign();

        TokenValidationException e = assertInvalid(v, huge);

        assertThat(e.description()).isEqualTo("token is malformed");
        assertThat(audit.lastValidation().tokenFingerprint()).isNull();
        assertThat(as.totalRequests()).isZero();
    }

    @Test
    void emitsExactlyOneEventPerCall() throws Exception {
        TokenValidator v = both();

        v.validate(token().sign());
        assertInvalid(v, token().issuer("https://unknown.example.com").sign());
        assertInvalid(v, "garbage");

        assertThat(audit.validations()).hasSize(3);
    }

    @Test
    void reportsTheScopesEveryIssuerRequires() {
        assertThat(both().requiredScopes()).containsExactly(SCOPE);
    }

    @Test
    void refusesTwoValidatorsForOneIssuer() {
        assertThatThrownBy(() -> TokenValidator.forIssuers(validator(), validator()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same issuer");
    }

    @Test
    void refusesAValidatorWithoutIssuer() {
        TokenValidator anonymous = (token, context) -> {
            throw new TokenValidationException(BearerError.INVALID_TOKEN, "no");
        };

        assertThatThrownBy(() -> TokenValidator.forIssuers(anonymous))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
