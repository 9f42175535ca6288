package dev.baton.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When a refusal ends the connection: only on HTTP/1.x, only for a request that declares a body,
 * and only while that body has not been read to its end. The containers' side is in
 * {@code UnreadBodyTest}.
 */
class UnreadBodyUnitTest {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                if (method.getName().equals("setHeader")) {
                    headers.put((String) args[0], (String) args[1]);
                }
                return null;
            });

    private Map<String, String> answer(HttpServletRequest request) {
        UnreadBody.endConnection(request, response);
        return headers;
    }

    @Test
    void anHttp11BodyNotReadEndsTheConnection() {
        assertThat(answer(FakeRequest.get().contentLength(10).build())).containsEntry("Connection", "close");
    }

    @Test
    void anHttp10BodyNotReadEndsTheConnection() {
        assertThat(answer(FakeRequest.get().protocol("HTTP/1.0").contentLength(10).build()))
                .containsEntry("Connection", "close");
    }

    @Test
    void aChunkedBodyNotReadEndsTheConnection() {
        assertThat(answer(FakeRequest.get().header("Transfer-Encoding", "chunked").build()))
                .containsEntry("Connection", "close");
    }

    @Test
    void aBodyReadToItsEndKeepsTheConnection() {
        HttpServletRequest request = FakeRequest.get().contentLength(10).build();
        UnreadBody.markRead(request);

        assertThat(answer(request)).isEmpty();
    }

    @Test
    void noDeclaredBodyKeepsTheConnection() {
        assertThat(answer(FakeRequest.get().build())).isEmpty();
        assertThat(answer(FakeRequest.get().contentLength(0).build())).isEmpty();
    }

    @Test
    void http2AndHttp3GetNoConnectionHeader() {
        // RFC 9113 §8.2.2: connection-specific header fields are malformed in HTTP/2 (and HTTP/3).
        assertThat(answer(FakeRequest.get().protocol("HTTP/2.0").contentLength(10).build())).isEmpty();
        assertThat(answer(FakeRequest.get().protocol("HTTP/3.0").header("Transfer-Encoding", "chunked").build()))
                .isEmpty();
    }
}
