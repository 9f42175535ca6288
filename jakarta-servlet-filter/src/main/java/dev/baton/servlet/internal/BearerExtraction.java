package dev.baton.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Finds the bearer token of a request as RFC 6750 §2.1 sends it, and refuses the other ways of
 * sending one. Not API.
 *
 * @param outcome what was found
 * @param token the token, for {@link Outcome#TOKEN} and (for the audit fingerprint) a malformed
 *     token within the length cap; never logged
 * @param description a client-safe reason for a refusal
 */
public record BearerExtraction(Outcome outcome, String token, String description) {

    /** What the request carried. */
    public enum Outcome {
        /** Exactly one {@code Authorization: Bearer <b64token>} header. */
        TOKEN,
        /** No {@code Authorization} header, or one with another scheme. */
        MISSING,
        /** A bearer token that is too long or not a {@code b64token}. */
        MALFORMED,
        /** Several {@code Authorization} headers, or an {@code access_token} parameter. */
        INVALID_REQUEST
    }

    private static final String PARAMETER = "access_token";

    /**
     * Extracts the token.
     *
     * @param maxTokenLength the longest token accepted, checked before any other look at its content
     */
    public static BearerExtraction from(HttpServletRequest request, int maxTokenLength) {
        Enumeration<String> headers = request.getHeaders("Authorization");
        String header = null;
        if (headers != null && headers.hasMoreElements()) {
            header = headers.nextElement();
            if (headers.hasMoreElements()) {
                // RFC 6750 §3.1 invalid_request: more than one credential, and RFC 9110 §11.6.2
                // allows a single Authorization field only.
                return refuse("Several Authorization headers were sent; send exactly one.");
            }
        }
        String parameterProblem = parameterProblem(request);
        if (parameterProblem != null) {
            return refuse(parameterProblem);
        }
        if (header == null) {
            return new BearerExtraction(Outcome.MISSING, null, null);
        }
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        // RFC 9110 §11.1: the scheme name is case-insensitive.
        if (!"bearer".equals(scheme.toLowerCase(Locale.ROOT))) {
            return new BearerExtraction(Outcome.MISSING, null, null);
        }
        int start = space < 0 ? header.length() : space;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        // The cap comes first: nothing else looks at a token longer than the limit.
        if (header.length() - start > maxTokenLength) {
            return new BearerExtraction(Outcome.MALFORMED, null,
                    "The token is longer than " + maxTokenLength + " characters.");
        }
        String token = header.substring(start);
        if (!isB64Token(token)) {
            return new BearerExtraction(Outcome.MALFORMED, token.isEmpty() ? null : token,
                    "The bearer token is malformed.");
        }
        return new BearerExtraction(Outcome.TOKEN, token, null);
    }

    /** RFC 6750 §2.1: {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isB64Token(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
                i++;
            } else {
                break;
            }
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    /**
     * Why the request's parameters are refused: an {@code access_token} in the query string or a
     * form-encoded body, or parameters the container cannot parse; {@code null} when they are fine.
     * The container only reads the body for {@code application/x-www-form-urlencoded} requests
     * (Servlet 6.1 §3.1.1), so JSON bodies such as MCP's are left untouched for the application.
     */
    private static String parameterProblem(HttpServletRequest request) {
        try {
            if (request.getParameterValues(PARAMETER) != null) {
                // RFC 6750 §2.2, §2.3: this resource only accepts the header method (see the
                // bearer_methods_supported metadata); a token in a URI or body leaks into logs.
                return "The access_token parameter is not accepted; send the token in the Authorization header.";
            }
            return null;
        } catch (RuntimeException malformed) {
            // The request cannot be shown to be free of a token: fail closed.
            return "The query string or form body is malformed.";
        }
    }

    private static BearerExtraction refuse(String description) {
        return new BearerExtraction(Outcome.INVALID_REQUEST, null, description);
    }
}
