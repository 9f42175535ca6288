package dev.baton.servlet.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.BearerError;
import dev.baton.servlet.DPoPPolicy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the answer to a {@link Refusal} (the part Spring Security calls the entry point): the
 * RFC 6750 §3 {@code Bearer} challenge and, when DPoP is accepted, the RFC 9449 §7.1 {@code DPoP}
 * challenge with its {@code algs}, each with the RFC 9728 §5.1 {@code resource_metadata} parameter;
 * a {@code DPoP-Nonce} header when the validator asks for a nonce (RFC 9449 §9); a small JSON body,
 * {@code Cache-Control: no-store}, and the CORS headers a browser-based client needs to read the
 * challenge; {@code Connection: close} when the request's body may still be on its way
 * ({@link UnreadBody}). Not API.
 */
public final class ChallengeWriter {
    /** The longest {@code error_description} sent; longer ones are cut. */
    static final int MAX_DESCRIPTION = 200;

    private final String resourceMetadataUrl;
    private final DPoPPolicy policy;
    private final String algs;

    /**
     * A writer of {@code Bearer} challenges only ({@link DPoPPolicy#BEARER_ONLY}).
     *
     * @param resourceMetadataUrl the path-inserted metadata URL advertised in every challenge
     */
    public ChallengeWriter(String resourceMetadataUrl) {
        this(resourceMetadataUrl, DPoPPolicy.BEARER_ONLY, List.of());
    }

    /**
     * @param resourceMetadataUrl the path-inserted metadata URL advertised in every challenge
     * @param policy which schemes the challenges offer: {@code Bearer}, {@code DPoP} or both, in that order
     * @param dpopAlgorithms the {@code algs} of the {@code DPoP} challenge; unused with {@link DPoPPolicy#BEARER_ONLY}
     */
    public ChallengeWriter(String resourceMetadataUrl, DPoPPolicy policy, List<String> dpopAlgorithms) {
        this.resourceMetadataUrl = resourceMetadataUrl;
        this.policy = policy;
        this.algs = String.join(" ", dpopAlgorithms);
    }

    /**
     * Answers {@code refusal}:
     * <ul>
     *   <li>no token: 401 with only {@code scope} (when scopes are required) and
     *   {@code resource_metadata} (and {@code algs} in a {@code DPoP} challenge), no {@code error}
     *   (RFC 6750 §3.1: a request without authentication information gets no error code);</li>
     *   <li>an authorization server failure: 503 {@code temporarily_unavailable} without a
     *   challenge, since it is not the client's token that is wrong;</li>
     *   <li>otherwise the RFC 6750 §3.1 or RFC 9449 §7.1 error with its status (400, 401 or 403),
     *   in the challenge of the scheme the token came with; the other accepted scheme's challenge
     *   follows without an error (RFC 9110 §11.6.1 allows several).</li>
     * </ul>
     *
     * @param requestScopes the scopes this request needs (the validator's and the path's), for
     *     the challenge's {@code scope}
     */
    public void write(HttpServletRequest request, HttpServletResponse response, Refusal refusal,
            Set<String> requestScopes) throws IOException {
        UnreadBody.endConnection(request, response);
        if (refusal.unavailable()) {
            write(response, 503, List.of(), null, body("temporarily_unavailable", safeDescription(refusal.description())));
            return;
        }
        BearerError error = refusal.error();
        String code = error == null ? null : error.code();
        String safe = error == null ? null : safeDescription(refusal.description());
        Collection<String> scopes = error == null ? requestScopes : refusal.challengeScopes(requestScopes);
        // The error goes in the challenge of the scheme the client used; with DPoP required that is
        // always the DPoP challenge, the only one offered.
        boolean errorInDPoP = policy == DPoPPolicy.REQUIRED || policy == DPoPPolicy.ACCEPTED && refusal.dpop();
        List<String> challenges = new ArrayList<>(2);
        if (policy != DPoPPolicy.REQUIRED) {
            challenges.add(errorInDPoP ? header("Bearer", null, null, scopes) : header("Bearer", code, safe, scopes));
        }
        if (policy != DPoPPolicy.BEARER_ONLY) {
            challenges.add(errorInDPoP ? header("DPoP", code, safe, scopes) : header("DPoP", null, null, scopes));
        }
        write(response, error == null ? 401 : error.httpStatus(), challenges, refusal.dpopNonce(),
                body(code, error == null ? refusal.description() : safe));
    }

    /** The {@code WWW-Authenticate} value of a {@code Bearer} challenge: RFC 6750 §3 auth-params as quoted strings. */
    String header(String error, String description, Collection<String> scopes) {
        return header("Bearer", error, description, scopes);
    }

    /**
     * One challenge: RFC 6750 §3 auth-params as quoted strings, and for {@code DPoP} the RFC 9449
     * §7.1 {@code algs}.
     */
    private String header(String scheme, String error, String description, Collection<String> scopes) {
        StringBuilder b = new StringBuilder(160).append(scheme).append(' ');
        boolean first = true;
        if (error != null) {
            first = param(b, first, "error", error);
        }
        if (scopes != null && !scopes.isEmpty()) {
            first = param(b, first, "scope", String.join(" ", scopes));
        }
        first = param(b, first, "resource_metadata", resourceMetadataUrl);
        if ("DPoP".equals(scheme)) {
            first = param(b, first, "algs", algs);
        }
        if (description != null) {
            param(b, first, "error_description", description);
        }
        return b.toString();
    }

    private static boolean param(StringBuilder b, boolean first, String name, String value) {
        if (!first) {
            b.append(", ");
        }
        b.append(name).append("=\"");
        // RFC 9110 §5.6.4 quoted-string: a backslash escapes '"' and '\'.
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        b.append('"');
        return false;
    }

    /**
     * Limits a description to the characters RFC 6750 §3 allows in {@code error_description}
     * ({@code %x20-21 / %x23-5B / %x5D-7E}): a double quote becomes a single quote, a backslash a
     * slash, anything else outside the set (control characters, non-ASCII) a question mark, so no
     * claim value can break the header or inject a new line. Cut to {@value #MAX_DESCRIPTION} characters.
     */
    static String safeDescription(String description) {
        if (description == null || description.isEmpty()) {
            return "The request was refused.";
        }
        int n = Math.min(description.length(), MAX_DESCRIPTION);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = description.charAt(i);
            if (c == '"') {
                b.append('\'');
            } else if (c == '\\') {
                b.append('/');
            } else if (c >= 0x20 && c <= 0x7e) {
                b.append(c);
            } else {
                b.append('?');
            }
        }
        return b.toString();
    }

    private static byte[] body(String error, String description) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (error != null) {
            json.put("error", error);
        }
        json.put("error_description", description);
        return JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8);
    }

    private static void write(HttpServletResponse response, int status, List<String> challenges, String nonce,
            byte[] body) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        for (int i = 0; i < challenges.size(); i++) {
            if (i == 0) {
                response.setHeader("WWW-Authenticate", challenges.get(0));
            } else {
                response.addHeader("WWW-Authenticate", challenges.get(i));
            }
        }
        if (nonce != null) {
            // RFC 9449 §9: the nonce the client must put in its next proof.
            response.setHeader("DPoP-Nonce", nonce);
        }
        // RFC 6750 §3 responses are per request and must not be stored by any cache.
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        Cors.exposeChallenge(response);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
