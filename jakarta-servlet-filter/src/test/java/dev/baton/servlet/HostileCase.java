package dev.baton.servlet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * One hostile request of {@link HostileRequestsTest} and the exact answer it must get.
 *
 * @param category the docs/security.md category it belongs to
 * @param name what is hostile about it
 * @param request builds the request from the fixture (tokens are minted when the case runs)
 * @param status the exact HTTP status
 * @param expect what the answer says besides the status
 */
record HostileCase(String category, String name, Function<HostileFixture, Request> request, int status,
        Expect expect) {

    /** What the answer carries besides its status. */
    enum Expect {
        /** The servlet answered: the request was accepted (the control cases). */
        ACCEPTED(null),
        /** A Bearer challenge with {@code error="invalid_token"}. */
        INVALID_TOKEN("invalid_token"),
        /** A Bearer challenge with {@code error="invalid_request"}. */
        INVALID_REQUEST("invalid_request"),
        /** A Bearer challenge without an error code: no token was sent (RFC 6750 §3.1). */
        NO_TOKEN(null),
        /** The container refused the request before any filter ran: no challenge at all. */
        CONTAINER_REFUSAL(null);

        final String error;

        Expect(String error) {
            this.error = error;
        }
    }

    /**
     * A request: method, target (path and query), header name/value pairs, an optional body; or,
     * for what no HTTP client sends, {@code raw} bytes after the request line.
     */
    record Request(String method, String target, List<String> headers, String contentType, String body, byte[] raw) {
        static Request get(String target, String... headers) {
            return new Request("GET", target, List.of(headers), null, null, null);
        }

        static Request bearer(String token) {
            return get("/mcp", "Authorization", "Bearer " + token);
        }

        static Request post(String target, String contentType, String body, String... headers) {
            return new Request("POST", target, List.of(headers), contentType, body, null);
        }

        /**
         * A request written byte for byte: {@code headerLines} (each ending in CRLF unless the case
         * is about line endings) follow {@code GET /mcp HTTP/1.1}, {@code Host}, the case header and
         * {@code Connection: close}.
         */
        static Request raw(String headerLines) {
            return raw("/mcp", headerLines);
        }

        /** As {@link #raw(String)}, for {@code target} as written (a URI no client would build). */
        static Request raw(String target, String headerLines) {
            return new Request("GET", target, List.of(), null, null, headerLines.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return category + ": " + name;
    }
}
