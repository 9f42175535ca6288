package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.examples.apollo.ApolloBackendProcess;
import dev.baton.examples.authserver.EmbeddedAuthorizationServer;
import dev.baton.examples.client.McpClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo command runs this: every step must behave as it prints. */
class DemoTest {
    private static int status;
    private static String printed;

    @BeforeAll
    static void playTheDemoOnce() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        status = new Demo(out, ApolloBackendProcess.defaultDirectory()).run();
        printed = buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void demoPlaysTheTenStepsAsPrinted() {
        assertThat(status).as(printed).isZero();
        assertThat(printed)
                .contains("[1] ", "[2] ", "[3] ", "[4] ", "[5] ", "[6] ", "[7] ", "[8] ", "[9] ")
                .contains("<- HTTP 401  WWW-Authenticate: Bearer", "resource_metadata=")
                .contains("sub=alice aud=backend scope=\"backend-api:read\"")
                .contains("sub=bob aud=backend scope=\"backend-api:read\"")
                .contains("5 backend calls -> 2 calls to the token endpoint")
                .contains("error=\"invalid_token\"", "error=\"insufficient_scope\"")
                .contains("All 10 steps behaved as expected");
    }

    @Test
    void demoShowsTheExchangedTokenIsDPoPBoundAndUselessWhenStolen() {
        assertThat(printed)
                .contains("[10] ", "alice's exchanged token: token_type=DPoP, cnf.jkt=")
                .contains("replayed as 'Authorization: Bearer <token>'          -> HTTP 401")
                .contains("replayed as 'DPoP <token>' without a proof            -> HTTP 401")
                .contains("replayed with a valid proof of the thief's own key    -> HTTP 401")
                .contains("reason=\"Bearer token refused, DPoP required\"")
                .contains("its first answer to the MCP server was 401");
    }

    @Test
    void demoShowsBobsStepUpFromTheChallengeToTheDetails() {
        assertThat(printed)
                .contains("sub=bob  aud=[mcpserver]  scopes=[mcp:tools:call]  client_id")
                .contains("tools/call get_country_details {code: \"JP\"}")
                .containsPattern("<- HTTP 403  WWW-Authenticate: Bearer error=\"insufficient_scope\", "
                        + "scope=\"mcp:tools:call countries:details\", resource_metadata=\"http://127\\.0\\.0\\.1:\\d+/"
                        + "\\.well-known/oauth-protected-resource/mcp\"")
                .contains("The tool did not run (no token exchange); the backend heard nothing.")
                .contains("bob's new access token, signed in for \"mcp:tools:call countries:details\"")
                .containsPattern("scopes=\\[mcp:tools:call, countries:details]|scopes=\\[countries:details, mcp:tools:call]")
                .containsPattern("tools/call get_country_details \\{code: \"JP\"} -> Japan, capital Tokyo, .*, continent Asia"
                        + " \\(\\d+ countries\\)")
                .containsPattern("backend \\| APOLLO_AUDIT outcome=accepted sub=bob aud=backend .*operation=GetCountryDetails")
                .contains("That is the backend's only new line: the refused call never reached it.");
    }

    @Test
    void demoShowsAliceSessionRefusedToBobsTokenAndAForeignOriginRefused() {
        assertThat(printed)
                .containsPattern("POST initialize with alice's token -> HTTP 200  Mcp-Session-Id: \\S{1,8}\\.\\.\\.")
                .contains("with bob's token in alice's session\n  <- HTTP 404  error: Session not found")
                .contains("the same call with alice's token in her session -> HTTP 200 (France)")
                .contains("nothing ran as bob")
                .contains("Origin: http://evil.example -> HTTP 403, no session");
    }

    @Test
    void demoShowsTheUsersTokensVerifiedAndTheRefusedTokensOnlyDecoded() {
        assertThat(printed)
                .containsPattern("alice's access token \\(fingerprint [\\w-]{11}; verified as the MCP server verifies it;")
                .contains("sub=alice  aud=[mcpserver]  scopes=[mcp:tools:call]")
                .containsPattern("bob's access token \\(fingerprint [\\w-]{11}; verified as the MCP server verifies it;")
                .containsPattern("a token for another API \\(fingerprint [\\w-]{11}; decoded, not verified;")
                .contains("sub=alice  aud=[some-other-api]  scp=[mcp:tools:call]")
                .containsPattern("a token without mcp:tools:call \\(fingerprint [\\w-]{11}; decoded, not verified;");
    }

    @Test
    void demoNeverPrintsATokenOrTheExchangeSecret() {
        // A JWT starts with the base64url of '{"' ("eyJ"); none may appear, nor the client secret.
        assertThat(printed).doesNotContain("eyJ").doesNotContain(EmbeddedAuthorizationServer.EXCHANGE_CLIENT_SECRET);
    }

    @Test
    void serveModeTellsHowClientsSignInThemselvesAtTheEmbeddedServer() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

        try (ExampleStack stack = new Demo(out, ApolloBackendProcess.defaultDirectory()).startServing(Map.of())) {
            String issuer = stack.authorizationServer().issuer(EmbeddedAuthorizationServer.MCP_ISSUER_ID);
            assertThat(buffer.toString(StandardCharsets.UTF_8))
                    .contains("URL: " + stack.mcpServer().resource() + "    then Connect: Inspector signs you in itself")
                    .contains("the 401 leads it to " + issuer + "; it registers as a client and opens the login page")
                    .contains("VS Code signs you in itself")
                    .contains("It registers as a client at " + issuer + " and opens the login page in your browser")
                    .contains("must be exactly the resource identifier " + stack.mcpServer().resource())
                    .doesNotContain("Okta's registration endpoint");
        }
    }

    @Test
    void tokenFilesAreCreatedReadableByTheOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = Demo.privateFile(dir.resolve("alice.token"));

        assertThat(file).exists().isEmptyFile();
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void serveModePrintsAWorkingVsCodeConfigurationAndTokenFiles() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

        try (ExampleStack stack = new Demo(out, ApolloBackendProcess.defaultDirectory()).startServing(Map.of())) {
            String printed = buffer.toString(StandardCharsets.UTF_8);
            Matcher url = Pattern.compile("\"url\": \"([^\"]+)\"").matcher(printed);
            Matcher tokenFile = Pattern.compile("tokens \\(valid one hour; never printed\\): (\\S+alice\\.token)").matcher(printed);
            assertThat(url.find()).as(printed).isTrue();
            assertThat(tokenFile.find()).as(printed).isTrue();
            assertThat(url.group(1)).isEqualTo(stack.mcpServer().resource());
            assertThat(printed).contains("\"Authorization\": \"Bearer ${input:baton-token}\"").doesNotContain("eyJ");

            String token = Files.readString(Path.of(tokenFile.group(1))).strip();
            try (McpSyncClient client = McpClients.client(url.group(1), token)) {
                client.initialize();
                assertThat(client.listTools().tools()).extracting(Tool::name).contains("get_country");
            }
        }
    }
}
