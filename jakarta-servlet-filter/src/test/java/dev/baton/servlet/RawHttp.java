package dev.baton.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends bytes no well-behaved client would (bare CR, control and non-ASCII characters, folded or
 * oversize headers) over a plain loopback socket and reads the answer of a {@code Connection:
 * close} request, or only the first answer. A connection the server resets or closes without answering is status -1.
 */
final class RawHttp {
    private static final int MAX_RESPONSE = 1 << 20;

    /** The answer: status (-1 when none), headers by lower-case name, body. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }

    private RawHttp() {
    }

    static Response exchange(URI base, byte[] request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException closedEarly) {
                // The server may refuse and close while the request is still being written.
            }
            return parse(readAll(socket.getInputStream()));
        } catch (IOException reset) {
            return new Response(-1, Map.of(), "");
        }
    }

    /**
     * Sends {@code request} and reads one answer, its head and its {@code Content-Length} body,
     * without waiting for the server to close the connection.
     */
    static Response firstAnswer(URI base, byte[] request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            int expected = -1;
            for (int b; buffer.size() < MAX_RESPONSE && (expected < 0 || buffer.size() < expected)
                    && (b = in.read()) >= 0;) {
                buffer.write(b);
                if (expected < 0 && b == '\n') {
                    String text = buffer.toString(StandardCharsets.ISO_8859_1);
                    if (text.endsWith("\r\n\r\n")) {
                        expected = text.length() + contentLength(text);
                    }
                }
            }
            return parse(buffer.toByteArray());
        } catch (IOException reset) {
            return new Response(-1, Map.of(), "");
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while (buffer.size() < MAX_RESPONSE && (n = in.read(chunk)) >= 0) {
            buffer.write(chunk, 0, n);
        }
        return buffer.toByteArray();
    }

    private static Response parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Response(-1, Map.of(), text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, List<String>> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).strip());
        }
        return new Response(Integer.parseInt(lines[0].substring(9, 12)), headers, text.substring(end + 4));
    }
}
