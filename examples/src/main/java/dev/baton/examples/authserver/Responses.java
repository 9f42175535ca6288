package dev.baton.examples.authserver;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import okhttp3.Headers;

/**
 * HTTP plumbing shared by the embedded authorization server's own routes: requests handed to Nimbus
 * for parsing, Nimbus responses handed back to mock-oauth2-server, OAuth error bodies (RFC 6749
 * §5.2), form bodies, and the CORS header browser-based MCP clients (MCP Inspector) need.
 */
final class Responses {
    /** Largest request body the routes read; the OAuth requests here are a few hundred bytes. */
    static final int MAX_BODY_CHARS = 16 * 1024;

    private Responses() {
    }

    /**
     * The request as Nimbus sees it, addressed to {@code endpoint} (the issuer's fixed URL, never one
     * built from the {@code Host} header), with its query, body, {@code Content-Type} and
     * {@code Authorization}.
     */
    static HTTPRequest toNimbus(OAuth2HttpRequest request, URI endpoint) {
        HTTPRequest nimbus = new HTTPRequest(HTTPRequest.Method.valueOf(request.getMethod()), endpoint);
        String query = request.getOriginalUrl().encodedQuery();
        if (query != null) {
            nimbus.setQuery(query);
        }
        Headers headers = request.getHeaders();
        for (String name : List.of("Content-Type", "Authorization")) {
            String value = headers.get(name);
            if (value != null) {
                nimbus.setHeader(name, value);
            }
        }
        nimbus.setBody(request.getBody());
        return nimbus;
    }

    /** A Nimbus response (token response, error, metadata) as mock-oauth2-server's, with CORS. */
    static OAuth2HttpResponse fromNimbus(OAuth2HttpRequest request, HTTPResponse response) {
        Headers.Builder headers = new Headers.Builder();
        response.getHeaderMap().forEach((name, values) -> values.forEach(v -> headers.add(name, v)));
        return cors(request, new OAuth2HttpResponse(headers.build(), response.getStatusCode(), response.getBody(), null));
    }

    /** An RFC 6749 §5.2 error: JSON {@code error} and {@code error_description}, never cached. */
    static OAuth2HttpResponse error(OAuth2HttpRequest request, ErrorObject error) {
        HTTPResponse response = error.toHTTPResponse();
        response.setCacheControl("no-store");
        return fromNimbus(request, response);
    }

    /** An RFC 6749 §5.2 error with the given status, code and description. */
    static OAuth2HttpResponse error(OAuth2HttpRequest request, int status, String code, String description) {
        return error(request, new ErrorObject(code, description, status));
    }

    /** A JSON document (metadata, registration), with CORS. */
    static OAuth2HttpResponse json(OAuth2HttpRequest request, int status, String json) {
        return cors(request, new OAuth2HttpResponse(
                Headers.of("Content-Type", "application/json", "Cache-Control", "no-store"), status, json, null));
    }

    /** A redirect (RFC 6749 §4.1.2: the authorization response goes back to the client this way). */
    static OAuth2HttpResponse redirect(URI location) {
        return new OAuth2HttpResponse(Headers.of("Location", location.toString(), "Cache-Control", "no-store"),
                302, null, null);
    }

    /** An HTML page that no other site may frame (the login page is a click target). */
    static OAuth2HttpResponse html(int status, String page) {
        return new OAuth2HttpResponse(Headers.of(
                "Content-Type", "text/html; charset=utf-8",
                "Cache-Control", "no-store",
                "X-Frame-Options", "DENY",
                "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                        + "frame-ancestors 'none'"), status, page, null);
    }

    /** {@code text} with the five HTML-significant characters escaped. */
    static String escapeHtml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * An {@code application/x-www-form-urlencoded} body, each name with all its values in order.
     *
     * @throws IllegalArgumentException if a percent-escape is malformed
     */
    static Map<String, List<String>> parseForm(String body) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        k -> new ArrayList<>()).add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    /** Whether the body is larger than {@link #MAX_BODY_CHARS}. */
    static boolean tooLarge(OAuth2HttpRequest request) {
        return request.getBody() != null && request.getBody().length() > MAX_BODY_CHARS;
    }

    /**
     * Adds {@code Access-Control-Allow-Origin: *} when the request came from a browser page (it has
     * an {@code Origin}): MCP Inspector runs its OAuth flow in the browser. No credentials are
     * allowed: every request here carries its own proof (PKCE verifier, refresh token), no cookie.
     * Preflight ({@code OPTIONS}) requests are answered by mock-oauth2-server itself.
     */
    private static OAuth2HttpResponse cors(OAuth2HttpRequest request, OAuth2HttpResponse response) {
        if (request.getHeaders().get("Origin") == null) {
            return response;
        }
        Headers headers = response.getHeaders().newBuilder().set("Access-Control-Allow-Origin", "*").build();
        return new OAuth2HttpResponse(headers, response.getStatus(), response.getBody(), response.getBytesBody());
    }
}
