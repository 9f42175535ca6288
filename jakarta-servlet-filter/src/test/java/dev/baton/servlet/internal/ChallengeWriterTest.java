package dev.baton.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code WWW-Authenticate} value cannot be broken by what a description or parameter contains. */
class ChallengeWriterTest {
    private final ChallengeWriter challenge = new ChallengeWriter("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");

    @Test
    void descriptionKeepsOnlyRfc6750Characters() {
        assertThat(ChallengeWriter.safeDescription("bad \"kid\" \\ here\r\nSet-Cookie: x=1\u0000\u00e9"))
                .isEqualTo("bad 'kid' / here??Set-Cookie: x=1??");
    }

    @Test
    void descriptionIsCutToTheLimit() {
        assertThat(ChallengeWriter.safeDescription("x".repeat(1000))).hasSize(ChallengeWriter.MAX_DESCRIPTION);
    }

    @Test
    void emptyDescriptionGetsAGenericOne() {
        assertThat(ChallengeWriter.safeDescription("")).isEqualTo("The request was refused.");
        assertThat(ChallengeWriter.safeDescription(null)).isEqualTo("The request was refused.");
    }

    @Test
    void quotesAndBackslashesInValuesAreEscaped() {
        assertThat(challenge.header("invalid_token", "d", List.of("a\"b", "c\\d")))
                .isEqualTo("Bearer error=\"invalid_token\", scope=\"a\\\"b c\\\\d\", "
                        + "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", "
                        + "error_description=\"d\"");
    }

    @Test
    void missingTokenChallengeHasNoErrorAndNoEmptyScope() {
        assertThat(challenge.header(null, null, List.of())).isEqualTo(
                "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"");
    }
}
