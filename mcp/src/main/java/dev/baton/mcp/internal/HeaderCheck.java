package dev.baton.mcp.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * The MCP 2026-07-28 Streamable HTTP rule that the {@code Mcp-Method} and {@code Mcp-Name} headers,
 * when present, match the body's {@code method} and {@code params.name} (or {@code params.uri}),
 * {@code Mcp-Name} decoded first when it uses the {@code =?base64?…?=} form ("Value Encoding").
 * The headers are only ever compared, never trusted: every decision is taken on the body. Clients of
 * 2025-11-25 and earlier send neither header, so an absent header is not an error. Not API.
 */
public final class HeaderCheck {
    static final String MCP_METHOD = "Mcp-Method";
    static final String MCP_NAME = "Mcp-Name";
    private static final String PREFIX = "=?base64?";
    private static final String SUFFIX = "?=";

    private HeaderCheck() {
    }

    /**
     * Checks the headers of {@code request} against {@code message}.
     *
     * @throws JsonRpcRefusal 400 with {@code -32020 HeaderMismatch} when a header is repeated, a
     *     Base64 value does not decode to UTF-8, or a value differs from the body's
     */
    public static void check(HttpServletRequest request, JsonRpcMessage message) throws JsonRpcRefusal {
        String method = single(request, MCP_METHOD, message);
        if (method != null && !method.equals(message.method())) {
            throw mismatch(message, "Header mismatch: the Mcp-Method header does not match the method in the body");
        }
        String name = single(request, MCP_NAME, message);
        if (name != null && !Objects.equals(decode(name, message), message.target())) {
            throw mismatch(message, "Header mismatch: the Mcp-Name header does not match params.name or params.uri"
                    + " in the body");
        }
    }

    /** Every value of {@code header} in {@code request}, one per header line; empty when absent. */
    static List<String> values(HttpServletRequest request, String header) {
        Enumeration<String> values = request.getHeaders(header);
        // Servlet 6.1: a container may return null when it does not let the application read a header.
        return values == null ? List.of() : Collections.list(values);
    }

    /** The value of the header, {@code null} when absent. */
    private static String single(HttpServletRequest request, String header, JsonRpcMessage message)
            throws JsonRpcRefusal {
        List<String> values = values(request, header);
        if (values.size() > 1) {
            throw mismatch(message, "Header mismatch: more than one " + header + " header");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** {@code value}, Base64-decoded when it has the sentinel form, as UTF-8. */
    static String decode(String value, JsonRpcMessage message) throws JsonRpcRefusal {
        if (!value.startsWith(PREFIX) || !value.endsWith(SUFFIX) || value.length() < PREFIX.length() + SUFFIX.length()) {
            return value;
        }
        String encoded = value.substring(PREFIX.length(), value.length() - SUFFIX.length());
        try {
            byte[] bytes = Base64.getDecoder().decode(encoded);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw mismatch(message, "Header mismatch: the Mcp-Name header is not valid Base64 of UTF-8 text");
        }
    }

    private static JsonRpcRefusal mismatch(JsonRpcMessage message, String text) {
        return new JsonRpcRefusal(400, JsonRpcRefusal.HEADER_MISMATCH, message.id(), text);
    }
}
