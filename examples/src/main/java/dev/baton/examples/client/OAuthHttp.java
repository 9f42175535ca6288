package dev.baton.examples.client;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.minidev.json.JSONObject;

/**
 * The HTTP side of {@link OAuthSignIn}: the JDK client, no redirects followed (the authorization
 * response is a redirect the client reads, not follows), a timeout on every request and a cap on
 * every body read.
 */
final class OAuthHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_BODY_BYTES = 256 * 1024;
    /** Headers the JDK client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection");

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** GETs a JSON object; anything but 200 with a JSON object body fails. */
    JSONObject getJson(URI url) throws IOException {
        Answer answer = send(HttpRequest.newBuilder(url).header("Accept", "application/json").GET());
        if (answer.status() != 200) {
            throw new IOException("GET " + url + " answered " + answer.status());
        }
        try {
            return JSONObjectUtils.parse(answer.body());
        } catch (ParseException e) {
            throw new IOException("GET " + url + " did not return a JSON object", e);
        }
    }

    /**
     * GETs a login page: empty when it is there (200), the {@code Location} when the server answered
     * with a redirect instead (an authorization error response, RFC 6749 §4.1.2.1).
     *
     * @throws IOException for any other answer
     */
    Optional<URI> loginPage(URI url) throws IOException {
        Answer answer = send(HttpRequest.newBuilder(url).GET());
        if (answer.status() == 200) {
            return Optional.empty();
        }
        Optional<String> location = answer.headers().getOrDefault("location", List.of()).stream().findFirst();
        if (answer.status() / 100 == 3 && location.isPresent()) {
            return Optional.of(url.resolve(location.get()));
        }
        throw new IOException("the authorization endpoint answered " + answer.status() + " instead of its login page");
    }

    /** POSTs a form and returns the {@code Location} of the redirect that must answer it. */
    URI postFormForRedirect(URI url, String form) throws IOException {
        Answer answer = send(HttpRequest.newBuilder(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        String location = answer.headers().getOrDefault("location", List.of()).stream().findFirst()
                .orElseThrow(() -> new IOException("no redirect after the login (status " + answer.status() + ")"));
        return url.resolve(location);
    }

    /** Sends a request Nimbus built (token, registration) and returns the answer for Nimbus to parse. */
    HTTPResponse send(HTTPRequest request) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.getURI());
        request.getHeaderMap().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        String body = request.getBody();
        builder.method(request.getMethod().name(),
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        Answer answer = send(builder);
        HTTPResponse response = new HTTPResponse(answer.status());
        answer.headers().forEach((name, values) -> response.setHeader(name, values.toArray(String[]::new)));
        response.setBody(answer.body());
        return response;
    }

    private Answer send(HttpRequest.Builder request) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new IOException(response.uri() + " answered with more than " + MAX_BODY_BYTES + " bytes");
            }
            return new Answer(response.statusCode(), response.headers().map(), new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private record Answer(int status, Map<String, List<String>> headers, String body) {
    }
}
