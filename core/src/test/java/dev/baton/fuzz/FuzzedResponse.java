package dev.baton.fuzz;

import dev.baton.testkit.FaultServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An HTTP answer read from fuzzer input, written so a seed is readable: a first line with the
 * status, header lines up to an empty line, then the body (any bytes). The status is taken from
 * 200 to 599 (an informational one would only make the client wait for the real answer), header
 * lines that would break the message framing are dropped, and Content-Length is always right, so
 * the fuzzer varies what a parser sees, not how HTTP frames it.
 */
final class FuzzedResponse {
    private final int status;
    private final List<String> headers;
    private final byte[] body;

    private FuzzedResponse(int status, List<String> headers, byte[] body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    static FuzzedResponse of(byte[] input) {
        int lineEnd = indexOf(input, 0);
        String first = new String(input, 0, lineEnd, StandardCharsets.ISO_8859_1).strip();
        int status = first.matches("[2-5][0-9][0-9]") ? Integer.parseInt(first) : 200;
        List<String> headers = new ArrayList<>();
        int pos = Math.min(lineEnd + 1, input.length);
        while (pos < input.length) {
            int end = indexOf(input, pos);
            String line = new String(input, pos, end - pos, StandardCharsets.ISO_8859_1);
            pos = Math.min(end + 1, input.length);
            if (line.isEmpty()) {
                break;
            }
            if (line.matches("[A-Za-z][A-Za-z0-9-]{0,40}: [\\x20-\\x7e]{0,200}")
                    && !line.toLowerCase(java.util.Locale.ROOT).matches("(content-length|transfer-encoding|connection):.*")) {
                headers.add(line);
            }
        }
        return new FuzzedResponse(status, headers, Arrays.copyOfRange(input, pos, input.length));
    }

    /**
     * This answer with every {@code placeholder} in the body replaced by {@code value}: seeds say
     * {@code $ISSUER} or {@code $KEY} for what only the running test knows (a port, a generated key).
     */
    FuzzedResponse with(String placeholder, String value) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        if (!text.contains(placeholder)) {
            return this;
        }
        return new FuzzedResponse(status, headers,
                text.replace(placeholder, value).getBytes(StandardCharsets.ISO_8859_1));
    }

    private static int indexOf(byte[] input, int from) {
        for (int i = from; i < input.length; i++) {
            if (input[i] == '\n') {
                return i;
            }
        }
        return input.length;
    }

    /** The server behaviour that sends this answer. */
    FaultServer.Fault fault() {
        return (Socket socket, java.io.OutputStream out) -> write(out);
    }

    private void write(java.io.OutputStream out) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" Fuzzed\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }
}
