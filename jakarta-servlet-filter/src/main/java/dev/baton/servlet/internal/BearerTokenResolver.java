package dev.baton.servlet.internal;

import dev.baton.PresentedToken;
import dev.baton.internal.TokenSyntax;
import dev.baton.servlet.DPoPPolicy;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Finds the access token of a request as RFC 6750 §2.1 ({@code Authorization: Bearer}) or, when
 * the policy accepts DPoP, RFC 9449 §7.1 ({@code Authorization: DPoP} with one {@code DPoP} proof
 * header) sends it, and refuses the other ways of sending one (RFC 6750 §2.2 form body, §2.3 query
 * string). Looks at nothing but those headers and the {@code access_token} parameter, and at no
 * more of a token or proof than its length cap allows. Not API.
 */
public final class BearerTokenResolver {
    private static final String PARAMETER = "access_token";

    private final int maxTokenLength;
    private final DPoPPolicy policy;
    private final String externalBaseUrl;

    /** A resolver of bearer tokens only ({@link DPoPPolicy#BEARER_ONLY}). */
    public BearerTokenResolver(int maxTokenLength) {
        this(maxTokenLength, DPoPPolicy.BEARER_ONLY, null);
    }

    /**
     * @param maxTokenLength the longest token accepted, checked before any other look at its content
     * @param policy the schemes accepted
     * @param externalBaseUrl scheme, host, port and any path prefix by which clients reach this
     *     application, without a trailing slash: a DPoP proof's request URI is this followed by the
     *     request's URI path; {@code null} with {@link DPoPPolicy#BEARER_ONLY}
     */
    public BearerTokenResolver(int maxTokenLength, DPoPPolicy policy, String externalBaseUrl) {
        this.maxTokenLength = maxTokenLength;
        this.policy = policy;
        this.externalBaseUrl = externalBaseUrl;
    }

    /**
     * The token of exactly one {@code Authorization} header of an accepted scheme, with the
     * request's one DPoP proof, method and URI for the {@code DPoP} scheme.
     *
     * @throws Refusal without an error code when there is no token of an accepted scheme; with
     *     {@code invalid_request} for several {@code Authorization} headers or an
     *     {@code access_token} parameter; with {@code invalid_token} for a token that is too long
     *     or not a {@code b64token}, or a bearer token where only DPoP is accepted; with
     *     {@code invalid_dpop_proof} for no, several or too long {@code DPoP} headers
     */
    public PresentedToken resolve(HttpServletRequest request) throws Refusal {
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
        // RFC 9110 §11.1: the scheme name is case-insensitive.
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        boolean dpop = "dpop".equals(scheme) && policy != DPoPPolicy.BEARER_ONLY;
        if (!dpop && !"bearer".equals(scheme)) {
            throw Refusal.missingToken();
        }
        if (!dpop && policy == DPoPPolicy.REQUIRED) {
            throw Refusal.bearerNotAccepted();
        }
        int start = space < 0 ? header.length() : space;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        // The cap comes first: nothing else looks at a token longer than the limit.
        if (header.length() - start > maxTokenLength) {
            throw Refusal.malformedToken("The token is longer than " + maxTokenLength + " characters.", null, dpop);
        }
        String token = header.substring(start);
        if (!TokenSyntax.isB64Token(token)) {
            throw Refusal.malformedToken(dpop ? "The DPoP token is malformed." : "The bearer token is malformed.",
                    token.isEmpty() ? null : token, dpop);
        }
        return dpop ? dpop(request, token) : PresentedToken.bearer(token);
    }

    /** The DPoP presentation of {@code token}: the one proof, the method and the URI as the client addressed it. */
    private PresentedToken dpop(HttpServletRequest request, String token) throws Refusal {
        Enumeration<String> proofs = request.getHeaders("DPoP");
        if (proofs == null || !proofs.hasMoreElements()) {
            throw Refusal.invalidProof("A DPoP proof is required with the DPoP scheme.", token);
        }
        String proof = proofs.nextElement();
        if (proofs.hasMoreElements()) {
            // RFC 9449 §4.3 check 1: not more than one DPoP header.
            throw Refusal.invalidProof("Several DPoP headers were sent; send exactly one.", token);
        }
        if (proof.length() > PresentedToken.MAX_DPOP_PROOF_LENGTH) {
            // The cap comes first, as for tokens: nothing decodes a longer proof.
            throw Refusal.invalidProof("The DPoP proof is longer than " + PresentedToken.MAX_DPOP_PROOF_LENGTH
                    + " characters.", token);
        }
        URI uri;
        try {
            // The container's request URI is the encoded path without the query: the htu a client signs.
            uri = URI.create(externalBaseUrl + request.getRequestURI());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalidProof("The request URI cannot be matched by a DPoP proof.", token);
        }
        try {
            return PresentedToken.dpop(token, proof, request.getMethod(), uri);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalidProof("The request cannot be matched by a DPoP proof.", token);
        }
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
