package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.examples.apollo.ApolloBackendProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo command runs this: every step must behave as it prints. */
class DemoTest {

    @Test
    void demoPlaysTheSevenStepsAndStopsEverything() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

        int status = new Demo(out, ApolloBackendProcess.defaultDirectory()).run();

        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        assertThat(printed)
                .contains("[1] ", "[2] ", "[3] ", "[4] ", "[5] ", "[6] ", "[7] ")
                .contains("<- HTTP 401  WWW-Authenticate: Bearer", "resource_metadata=")
                .contains("sub=alice aud=backend scope=\"backend-api:read\"")
                .contains("sub=bob aud=backend scope=\"backend-api:read\"")
                .contains("5 backend calls -> 2 calls to the token endpoint")
                .contains("error=\"invalid_token\"", "error=\"insufficient_scope\"")
                .contains("All seven steps behaved as expected");
    }

    @Test
    void demoNeverPrintsATokenOrTheExchangeSecret() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

        new Demo(out, ApolloBackendProcess.defaultDirectory()).run();

        String printed = buffer.toString(StandardCharsets.UTF_8);
        // A JWT starts with the base64url of '{"' ("eyJ"); none may appear, nor the client secret.
        assertThat(printed).doesNotContain("eyJ").doesNotContain("demo-exchange-secret");
    }
}
