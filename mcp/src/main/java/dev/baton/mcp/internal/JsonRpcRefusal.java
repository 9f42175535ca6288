package dev.baton.mcp.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.servlet.internal.UnreadBody;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the MCP rules refuse with an HTTP status and a JSON-RPC 2.0 error response (§5), such
 * as {@code {"jsonrpc":"2.0","id":1,"error":{"code":-32020,"message":"…"}}}. The message is fixed
 * text chosen by Baton, never a header value or token. Not API.
 */
public final class JsonRpcRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    /** JSON-RPC 2.0 §5.1: invalid JSON was received. */
    public static final int PARSE_ERROR = -32700;
    /** JSON-RPC 2.0 §5.1: the JSON sent is not a valid request object. */
    public static final int INVALID_REQUEST = -32600;
    /** JSON-RPC 2.0 §5.1: internal error; the MCP Java SDK answers an unknown session with it. */
    public static final int INTERNAL_ERROR = -32603;
    /** JSON-RPC 2.0 §5.1 server-error range: the transport refused the request (Origin, Host). */
    public static final int SERVER_ERROR = -32000;
    /** MCP 2026-07-28 Streamable HTTP, "Server Validation": {@code HeaderMismatch}. */
    public static final int HEADER_MISMATCH = -32020;

    private final int status;
    private final int code;
    private final transient Object id;
    private final boolean withId;

    /**
     * @param status the HTTP status
     * @param code the JSON-RPC error code
     * @param id the request's {@code id} (a string or number), or {@code null} when unknown
     * @param message fixed, client-safe text
     */
    public JsonRpcRefusal(int status, int code, Object id, String message) {
        this(status, code, id, message, true);
    }

    private JsonRpcRefusal(int status, int code, Object id, String message, boolean withId) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.id = id;
        this.withId = withId;
    }

    /**
     * A refusal whose body has no {@code id} member at all, as the MCP transport's DNS-rebinding
     * rule describes its 403 ("a JSON-RPC error response that has no id").
     */
    public static JsonRpcRefusal withoutId(int status, int code, String message) {
        return new JsonRpcRefusal(status, code, null, message, false);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The JSON-RPC error code. */
    public int code() {
        return code;
    }

    /**
     * Writes the refusal: the status, a JSON-RPC error body, {@code Cache-Control: no-store}, and
     * {@code Connection: close} when the request's body may not have been read ({@link UnreadBody}).
     */
    public void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", getMessage());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        if (withId) {
            body.put("id", id);
        }
        body.put("error", error);
        byte[] bytes = JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8);
        response.resetBuffer();
        UnreadBody.endConnection(request, response);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }
}
