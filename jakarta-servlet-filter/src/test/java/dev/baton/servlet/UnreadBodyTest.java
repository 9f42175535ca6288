package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A refusal written before the request's body was read says {@code Connection: close}, in Jetty 12
 * and Tomcat 11: otherwise a container that cannot drain the rest of the body closes the connection
 * after the answer without saying so, and a client's next request on it fails with no response.
 * A request without a body keeps its connection.
 */
@ClassTemplate
class UnreadBodyTest {
    static final TokenValidator REJECT_ALL = (token, context) -> {
        throw new TokenValidationException(BearerError.INVALID_TOKEN, "no");
    };

    @RegisterExtension
    static final Containers containers = Containers.deploying(() -> Containers.Setup.of(
            List.of(BearerTokenFilter.builder(REJECT_ALL)
                    .resource("http://127.0.0.1/mcp")
                    .authorizationServers("https://idp.example.com/oauth2/mcp")
                    .build()),
            null, new RecordingServlet()));

    /** A POST's head, promising {@code length} bytes of body that are never sent. */
    private static byte[] headOnly(String authorization, int length) {
        return ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authorization
                + "Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aRefusalWithoutATokenBeforeTheBodyArrivedEndsTheConnection() {
        RawHttp.Response answer = RawHttp.firstAnswer(containers.server().uri("/"), headOnly("", 1000));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer ");
        assertThat(answer.body()).contains("error_description");
    }

    @Test
    void aRefusedTokenBeforeTheBodyArrivedEndsTheConnection() {
        RawHttp.Response answer = RawHttp.firstAnswer(containers.server().uri("/"),
                headOnly("Authorization: Bearer some-token\r\n", 1000));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(Http.bearerParams(answer.header("WWW-Authenticate"))).containsEntry("error", "invalid_token");
    }

    @Test
    void aRefusedChunkedBodyEndsTheConnection() {
        byte[] request = ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n").getBytes(StandardCharsets.ISO_8859_1);

        RawHttp.Response answer = RawHttp.firstAnswer(containers.server().uri("/"), request);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
    }

    @Test
    void aRefusalOfARequestWithoutABodyKeepsTheConnection() {
        HttpResponse<String> get = Http.get(containers.server().uri("/mcp"));
        HttpResponse<String> emptyPost = Http.send("POST", containers.server().uri("/mcp"), "application/json", "");

        assertThat(get.statusCode()).isEqualTo(401);
        assertThat(get.headers().firstValue("Connection")).isEmpty();
        assertThat(emptyPost.statusCode()).isEqualTo(401);
        assertThat(emptyPost.headers().firstValue("Connection")).isEmpty();
    }

    @Test
    void refusedPostsInARowEachGetAnAnswer() {
        // Each refused POST says Connection: close, so the client sends the next on a new connection.
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> post = Http.send("POST", containers.server().uri("/mcp"), "application/json",
                    "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"initialize\"}");
            assertThat(post.statusCode()).isEqualTo(401);
        }
    }
}
