package dev.baton.mcp.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.Map;

/**
 * What the MCP rules need from one JSON-RPC 2.0 message posted to the MCP endpoint: whether it is a
 * request, a notification or something else (a response), its {@code id}, its {@code method}, and
 * the name it targets ({@code params.name}, or {@code params.uri} for resources). Read with Nimbus's
 * {@link JSONObjectUtils}, never by hand. Immutable. Not API.
 *
 * <p>A body this class cannot read is refused, never handed on: the SDK's own parser (Jackson)
 * accepts some documents Nimbus refuses (a number such as {@code 1e400}, nesting Gson finds too deep),
 * so a body passed on unread could run a tool whose scopes were never checked.
 */
public final class JsonRpcMessage {
    private final boolean hasMethod;
    private final boolean hasId;
    private final Object id;
    private final String method;
    private final String target;

    private JsonRpcMessage(boolean hasMethod, boolean hasId, Object id, String method, String target) {
        this.hasMethod = hasMethod;
        this.hasId = hasId;
        this.id = id;
        this.method = method;
        this.target = target;
    }

    /**
     * Reads one message.
     *
     * @param text the decoded request body
     * @throws JsonRpcRefusal a batch (a top-level array: MCP 2025-06-18 removed batching), a body
     *     that is not a JSON object, or a request whose {@code method}, {@code params},
     *     {@code params.name} or {@code params.uri} has the wrong type
     */
    public static JsonRpcMessage parse(String text) throws JsonRpcRefusal {
        if (startsWithArray(text)) {
            throw new JsonRpcRefusal(400, JsonRpcRefusal.INVALID_REQUEST, null,
                    "JSON-RPC batches are not supported: MCP allows one message per request since 2025-06-18");
        }
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(text);
        } catch (ParseException e) {
            throw new JsonRpcRefusal(400, JsonRpcRefusal.PARSE_ERROR, null, "Parse error: the body is not a JSON object");
        }
        boolean hasId = json.containsKey("id");
        Object id = idOf(json.get("id"));
        // The SDK tells the kinds apart by these keys (containsKey), so do the same.
        if (!json.containsKey("method")) {
            return new JsonRpcMessage(false, hasId, id, null, null);
        }
        if (!(json.get("method") instanceof String method)) {
            throw new JsonRpcRefusal(400, JsonRpcRefusal.INVALID_REQUEST, id, "method must be a string");
        }
        Object params = json.get("params");
        if (params != null && !(params instanceof Map)) {
            // JSON-RPC 2.0 §4.2 also allows an array, but MCP's params are always objects.
            throw new JsonRpcRefusal(400, JsonRpcRefusal.INVALID_REQUEST, id, "params must be an object");
        }
        Map<?, ?> p = params == null ? Map.of() : (Map<?, ?>) params;
        String name = stringMember(p, "name", id);
        String uri = stringMember(p, "uri", id);
        return new JsonRpcMessage(true, hasId, id, method, name != null ? name : uri);
    }

    /** A JSON-RPC request: a {@code method} and an {@code id}; only requests are authorized per method. */
    public boolean isRequest() {
        return hasMethod && hasId;
    }

    /** The {@code id} for an error answer: a string or number, otherwise {@code null}. */
    public Object id() {
        return id;
    }

    /** The {@code method}, or {@code null} for a response. */
    public String method() {
        return method;
    }

    /** {@code params.name} or, without one, {@code params.uri}; {@code null} when neither is present. */
    public String target() {
        return target;
    }

    /** Whether the message is the {@code initialize} request, whose answer carries the new session id. */
    public boolean isInitialize() {
        return isRequest() && "initialize".equals(method);
    }

    private static String stringMember(Map<?, ?> params, String member, Object id) throws JsonRpcRefusal {
        Object value = params.get(member);
        if (value != null && !(value instanceof String)) {
            // The SDK's Jackson would turn 5 or true into "5" or "true": refuse rather than guess.
            throw new JsonRpcRefusal(400, JsonRpcRefusal.INVALID_REQUEST, id, "params." + member + " must be a string");
        }
        return (String) value;
    }

    private static Object idOf(Object id) {
        return id instanceof String || id instanceof Number ? id : null;
    }

    private static boolean startsWithArray(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // RFC 8259 §2: insignificant whitespace is space, tab, line feed and carriage return.
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c == '[';
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "JsonRpcMessage[" + (isRequest() ? "request " : hasMethod ? "notification " : "response")
                + (method == null ? "" : method) + "]";
    }
}
