package dev.baton.mcp.internal;

import dev.baton.servlet.internal.UnreadBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * The body of one POST to the MCP endpoint, read once and bounded, with the text the SDK will see.
 * Not API.
 *
 * <p>The text is decoded exactly as the MCP Java SDK's servlet transport decodes it (the request's
 * character encoding, UTF-8 when none is declared), so the message Baton authorizes is the one the
 * SDK runs.
 */
public final class RequestBody {
    private final byte[] bytes;
    private final String text;

    private RequestBody(byte[] bytes, String text) {
        this.bytes = bytes;
        this.text = text;
    }

    /**
     * Reads the body of {@code request}.
     *
     * @param maxBytes the largest body accepted
     * @throws JsonRpcRefusal 413 past {@code maxBytes} (by {@code Content-Length} before reading, or
     *     while reading a body of unknown length); 400 when the body cannot be read or its declared
     *     charset is unknown
     */
    public static RequestBody read(HttpServletRequest request, int maxBytes) throws JsonRpcRefusal {
        if (request.getContentLengthLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new JsonRpcRefusal(400, JsonRpcRefusal.INVALID_REQUEST, null, "The request body could not be read");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        // Read to its end: a refusal from here on need not end the connection.
        UnreadBody.markRead(request);
        Charset charset = charsetOf(request);
        return new RequestBody(bytes, new String(bytes, charset));
    }

    /** The raw bytes, handed on to the SDK unchanged. */
    byte[] bytes() {
        return bytes;
    }

    /** The decoded text. */
    public String text() {
        return text;
    }

    /** The charset the SDK decodes with: the request's character encoding, or UTF-8. */
    static Charset charsetOf(HttpServletRequest request) throws JsonRpcRefusal {
        String name = request.getCharacterEncoding();
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new JsonRpcRefusal(400, JsonRpcRefusal.INVALID_REQUEST, null, "Unsupported charset in Content-Type");
        }
    }

    private static JsonRpcRefusal tooLarge(int maxBytes) {
        return new JsonRpcRefusal(413, JsonRpcRefusal.INVALID_REQUEST, null,
                "Request body too large: this server accepts at most " + maxBytes + " bytes");
    }
}
