package dev.baton.internal.validation;

import com.nimbusds.oauth2.sdk.TokenIntrospectionErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import dev.baton.EndpointObserver;
import dev.baton.internal.ClientCredentials;
import dev.baton.internal.http.BoundedHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asks the authorization server about an opaque token (RFC 7662 §2), authenticating as the
 * configured client. Not API.
 */
final class Introspector {
    /** The largest introspection response accepted. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** The server answered {@code active: false} (RFC 7662 §2.2). */
    static final class InactiveTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        InactiveTokenException() {
            super("token is not active", null, false, false);
        }
    }

    private final HttpClient client;
    private final EndpointObserver observer;
    private final JwksCache.UriSource endpoint;
    private final ClientCredentials auth;
    private final Clock clock;
    private final Duration timeout;

    Introspector(HttpClient client, EndpointObserver observer, JwksCache.UriSource endpoint, ClientCredentials auth,
            Clock clock, Duration timeout) {
        this.client = client;
        this.observer = observer;
        this.endpoint = endpoint;
        this.auth = auth;
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * The introspection response of an active token, as a claims map.
     *
     * @throws InactiveTokenException when the server says the token is not active
     * @throws IOException when the server cannot be reached, fails, or answers something malformed
     */
    Map<String, Object> introspect(String token) throws IOException, InactiveTokenException {
        URI uri = endpoint.get();
        // As an AccessToken, Nimbus sends it with token_type_hint=access_token (RFC 7662 §2.1,
        // RFC 7009 §2.1). The hint only speeds the lookup: a server that finds a refresh token
        // still answers active, which AccessTokenKind then refuses.
        TypelessAccessToken subject = new TypelessAccessToken(token);
        TokenIntrospectionRequest request = auth.forRequest(uri, clock)
                .map(a -> new TokenIntrospectionRequest(uri, a, subject))
                .orElseGet(() -> new TokenIntrospectionRequest(uri, subject,
                        Map.of("client_id", List.of(auth.clientId()))));
        HTTPRequest nimbus = request.toHTTPRequest();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(nimbus.getBody(), StandardCharsets.UTF_8))
                .header("Accept", "application/json");
        for (Map.Entry<String, List<String>> h : nimbus.getHeaderMap().entrySet()) {
            if (RESTRICTED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            for (String v : h.getValue()) {
                b.header(h.getKey(), v);
            }
        }
        BoundedHttp.Response r = BoundedHttp.send(client, observer, EndpointObserver.Endpoint.INTROSPECTION, b.build(),
                timeout, MAX_RESPONSE_BYTES);
        if (r.status() != 200) {
            throw new IOException("introspection endpoint answered HTTP " + r.status());
        }
        TokenIntrospectionResponse parsed;
        try {
            HTTPResponse response = new HTTPResponse(r.status());
            String contentType = r.header("Content-Type");
            if (contentType != null) {
                response.setContentType(contentType);
            }
            response.setBody(new String(r.body(), StandardCharsets.UTF_8));
            parsed = TokenIntrospectionResponse.parse(response);
        } catch (com.nimbusds.oauth2.sdk.ParseException | RuntimeException e) {
            throw new IOException("malformed introspection response", e);
        }
        if (parsed instanceof TokenIntrospectionErrorResponse || !parsed.indicatesSuccess()) {
            throw new IOException("introspection failed");
        }
        TokenIntrospectionSuccessResponse ok = parsed.toSuccessResponse();
        if (!ok.isActive()) {
            throw new InactiveTokenException();
        }
        return new LinkedHashMap<>(ok.getParameters());
    }
}
