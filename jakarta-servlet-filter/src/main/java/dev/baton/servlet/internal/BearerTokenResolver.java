package dev.baton.servlet.internal;

import dev.baton.internal.TokenSyntax;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Finds the bearer token of a request as RFC 6750 §2.1 sends it, and refuses the other ways of
 * sending one (§2.2 form body, §2.3 query string). Looks at nothing but the {@code Authorization}
 * header and the {@code access_token} parameter, and at no more of the token than the length cap
 * allows. Not API.
 */
public final class BearerTokenResolver {
    private static final String PARAMETER = "access_token";

    private final int maxTokenLength;

    /** @param maxTokenLength the longest token accepted, checked before any other look at its content */
    public BearerTokenResolver(int maxTokenLength) {
        this.maxTokenLength = maxTokenLength;
    }

    /**
     * The token of exactly one {@code Authorization: Bearer <b64token>} header.
     *
     * @throws Refusal without an error code when there is no bearer token; with
     *     {@code invalid_request} for several {@code Authorization} headers or an
     *     {@code access_token} parameter; with {@code invalid_token} for a token that is too long
     *     or not a {@code b64token}
     */
    public String resolve(HttpServletRequest request) throws Refusal {
        Enumeration<String> headers = request.getHeaders("Authorization");
        String header = null;
        if (headers != null && headers.hasMoreElements()) {
            header = headers.nextElement();
            if (headers.hasMoreElements()) {
                // RFC 6750 §3.1 invalid_request: more than one credential, and RFC 9110 §11.6.2
                // allows a single Authorization field only.
                throw Refusal.invalidRequest("Several Authorization headers were sent; send exactly one.");
            }
        }
        refuseParameter(request);
        if (header == null) {
            throw Refusal.missingToken();
        }
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        // RFC 9110 §11.1: the scheme name is case-insensitive.
        if (!"bearer".equals(scheme.toLowerCase(Locale.ROOT))) {
            throw Refusal.missingToken();
        }
        int start = space < 0 ? header.length() : space;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        // The cap comes first: nothing else looks at a token longer than the limit.
        if (header.length() - start > maxTokenLength) {
            throw Refusal.malformedToken("The token is longer than " + maxTokenLength + " characters.", null);
        }
        String token = header.substring(start);
        if (!TokenSyntax.isB64Token(token)) {
            throw Refusal.malformedToken("The bearer token is malformed.", token.isEmpty() ? null : token);
        }
        return token;
    }

    /**
     * Refuses an {@code access_token} in the query string or a form-encoded body, and parameters
     * the container cannot parse. The container only reads the body for
     * {@code application/x-www-form-urlencoded} requests (Servlet 6.1 §3.1.1), so JSON bodies such
     * as MCP's are left untouched for the application.
     */
    private static void refuseParameter(HttpServletRequest request) throws Refusal {
        boolean present;
        try {
            present = request.getParameterValues(PARAMETER) != null;
        } catch (RuntimeException malformed) {
            // The request cannot be shown to be free of a token: fail closed.
            throw Refusal.invalidRequest("The query string or form body is malformed.");
        }
        if (present) {
            // RFC 6750 §2.2, §2.3: this resource only accepts the header method (see the
            // bearer_methods_supported metadata); a token in a URI or body leaks into logs.
            throw Refusal.invalidRequest(
                    "The access_token parameter is not accepted; send the token in the Authorization header.");
        }
    }
}
