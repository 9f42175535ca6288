package dev.baton.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP/1.1 client over loopback. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    static HttpResponse<String> get(URI uri, String... headerPairs) {
        return send("GET", uri, null, null, headerPairs);
    }

    static HttpResponse<String> send(String method, URI uri, String contentType, String body, String... headerPairs) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The auth-params of a {@code WWW-Authenticate: Bearer ...} value (RFC 9110 §11.2), unescaping
     * quoted strings. Test-side only: fails on anything but a well-formed Bearer challenge.
     */
    static Map<String, String> bearerParams(String challenge) {
        return params("Bearer", challenge);
    }

    /**
     * The auth-params of a {@code WWW-Authenticate: <scheme> ...} value, as {@link #bearerParams};
     * fails on a challenge of another scheme.
     */
    static Map<String, String> params(String scheme, String challenge) {
        if (!challenge.startsWith(scheme + " ")) {
            throw new AssertionError("not a " + scheme + " challenge: " + challenge);
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = scheme.length() + 1;
        int n = challenge.length();
        while (i < n) {
            int eq = challenge.indexOf('=', i);
            String name = challenge.substring(i, eq).strip();
            i = eq + 1;
            if (challenge.charAt(i) != '"') {
                throw new AssertionError("unquoted value for " + name + ": " + challenge);
            }
            i++;
            StringBuilder v = new StringBuilder();
            while (challenge.charAt(i) != '"') {
                char c = challenge.charAt(i);
                if (c == '\\') {
                    i++;
                    c = challenge.charAt(i);
                }
                v.append(c);
                i++;
            }
            i++;
            if (params.put(name, v.toString()) != null) {
                throw new AssertionError("duplicate parameter " + name + ": " + challenge);
            }
            while (i < n && (challenge.charAt(i) == ',' || challenge.charAt(i) == ' ')) {
                i++;
            }
        }
        return params;
    }
}
