package dev.baton.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.BearerError;
import org.junit.jupiter.api.Test;

/** RFC 6750 §2: the token comes from exactly one {@code Authorization: Bearer <b64token>} header, and from nowhere else. */
class BearerTokenResolverTest {
    private final BearerTokenResolver resolver = new BearerTokenResolver(256);

    String resolve(FakeRequest request) throws Refusal {
        return resolver.resolve(request.build()).token();
    }

    Refusal refusal(FakeRequest request) {
        return catchThrowableOfType(Refusal.class, () -> resolve(request));
    }

    static FakeRequest bearer(String token) {
        return FakeRequest.get().header("Authorization", "Bearer " + token);
    }

    @Test
    void acceptsJwtAndOpaqueTokenAlphabets() throws Refusal {
        assertThat(resolve(bearer("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")))
                .isEqualTo("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln");
        assertThat(resolve(bearer("a-b.c_d~e+f/g=="))).isEqualTo("a-b.c_d~e+f/g==");
    }

    @Test
    void refusesEmptyPaddingOnlyAndInnerPadding() {
        for (String token : new String[] {"", "==", "ab=c"}) {
            assertThat(refusal(bearer(token)).error()).as(token).isEqualTo(BearerError.INVALID_TOKEN);
        }
    }

    @Test
    void refusesSeparatorsAndControlCharacters() {
        for (String token : new String[] {"a b", "a,b", "a\tb", "a\"b", "a;b", "a\u00e9", "a\u0000"}) {
            assertThat(refusal(bearer(token)).error()).as(token).isEqualTo(BearerError.INVALID_TOKEN);
        }
    }

    @Test
    void matchesTheSchemeCaseInsensitivelyAndSkipsSpaces() throws Refusal {
        assertThat(resolve(FakeRequest.get().header("Authorization", "bEaReR   abc"))).isEqualTo("abc");
    }

    @Test
    void noAuthorizationHeaderIsAMissingTokenWithoutErrorCode() {
        Refusal r = refusal(FakeRequest.get());

        assertThat(r.error()).isNull();
        assertThat(r.description()).isEqualTo("A bearer token is required.");
    }

    @Test
    void anotherSchemeIsAMissingToken() {
        assertThat(refusal(FakeRequest.get().header("Authorization", "Basic YWxpY2U6c2VjcmV0")).error()).isNull();
    }

    @Test
    void severalAuthorizationHeadersAreAnInvalidRequest() {
        Refusal r = refusal(bearer("abc").header("Authorization", "Bearer abc"));

        assertThat(r.error()).isEqualTo(BearerError.INVALID_REQUEST);
        assertThat(r.description()).contains("Several Authorization headers");
    }

    @Test
    void accessTokenParameterIsAnInvalidRequestEvenNextToTheHeader() {
        Refusal r = refusal(bearer("abc").parameter("access_token", "abc"));

        assertThat(r.error()).isEqualTo(BearerError.INVALID_REQUEST);
        assertThat(r.description()).contains("access_token").doesNotContain("abc");
    }

    @Test
    void unparseableParametersAreAnInvalidRequest() {
        Refusal r = refusal(bearer("abc").unparseableParameters());

        assertThat(r.error()).isEqualTo(BearerError.INVALID_REQUEST);
        assertThat(r.description()).isEqualTo("The query string or form body is malformed.");
    }

    @Test
    void tokenOverTheCapIsRefusedWithoutBeingRead() {
        Refusal r = refusal(bearer("a".repeat(257)));

        assertThat(r.error()).isEqualTo(BearerError.INVALID_TOKEN);
        assertThat(r.description()).isEqualTo("The token is longer than 256 characters.");
        assertThat(r.getMessage()).doesNotContain("aaaa");
    }

    @Test
    void tokenOfExactlyTheCapIsResolved() throws Refusal {
        assertThat(resolve(bearer("a".repeat(256)))).hasSize(256);
    }
}
