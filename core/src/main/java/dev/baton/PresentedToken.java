package dev.baton;

import dev.baton.internal.Checks;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An access token as one request presented it: a plain bearer token (RFC 6750 §2.1,
 * {@code Authorization: Bearer <token>}), or a DPoP-bound token (RFC 9449 §7.1,
 * {@code Authorization: DPoP <token>}) together with the request's {@code DPoP} proof and the
 * method and URI the proof must have been made for. {@link TokenValidator#validate(PresentedToken,
 * AuditContext)} checks the two kinds by their own rules: a DPoP-bound token is never accepted as
 * {@link #bearer(String) bearer}, and a DPoP proof is only accepted for the request it was made for.
 *
 * <pre>{@code
 * PresentedToken presented = PresentedToken.dpop(token, request.getHeader("DPoP"),
 *     request.getMethod(), URI.create("https://mcp.example.com" + request.getRequestURI()));
 * ValidatedToken user = validator.validate(presented, AuditContext.of(method, path));
 * }</pre>
 *
 * <p>Immutable. The URI is kept without its query and fragment, which a proof never covers
 * (RFC 9449 §4.3 check 9). {@link #toString()} shows the scheme, method and URI, never the token or
 * the proof: a proof is a credential for as long as it is fresh.
 */
public final class PresentedToken {
    /**
     * The longest DPoP proof accepted, in characters: {@value}. A longer one is refused before it is
     * decoded. An ES256 proof is about 600 characters, one with an RSA 4096 key about 2,000.
     */
    public static final int MAX_DPOP_PROOF_LENGTH = 8192;

    private final String token;
    private final String proof;
    private final String method;
    private final URI uri;

    private PresentedToken(String token, String proof, String method, URI uri) {
        this.token = token;
        this.proof = proof;
        this.method = method;
        this.uri = uri;
    }

    /**
     * A token sent as {@code Authorization: Bearer <token>}.
     *
     * @param token the token without the scheme; {@code null} or empty is accepted here and rejected
     *     by the validator, as {@link TokenValidator#validate(String)} does
     */
    public static PresentedToken bearer(String token) {
        return new PresentedToken(token, null, null, null);
    }

    /**
     * A token sent as {@code Authorization: DPoP <token>} with a {@code DPoP} proof header.
     *
     * @param token the token without the scheme; {@code null} or empty is rejected by the validator
     * @param proof the value of the request's one {@code DPoP} header, or {@code null} when there was
     *     none (rejected by the validator with {@link BearerError#INVALID_DPOP_PROOF})
     * @param method the request's HTTP method, exactly as received ({@code GET}, {@code POST}); the
     *     proof's {@code htm} must equal it
     * @param requestUri the absolute URI the client sent the request to, as the client addressed it:
     *     behind a proxy, the public scheme, host and port, not the ones the server sees; the proof's
     *     {@code htu} must equal it, both normalized (RFC 3986 §6.2.2, §6.2.3), query and fragment ignored
     * @throws NullPointerException if {@code method} or {@code requestUri} is null
     * @throws IllegalArgumentException if {@code method} is not an RFC 9110 token, or {@code requestUri}
     *     is not an absolute {@code http} or {@code https} URI with a host
     */
    public static PresentedToken dpop(String token, String proof, String method, URI requestUri) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestUri, "requestUri");
        Checks.requireArgument(!method.isEmpty() && method.chars().allMatch(PresentedToken::isTokenChar),
                "method must be an HTTP method token");
        String scheme = requestUri.getScheme() == null ? "" : requestUri.getScheme().toLowerCase(Locale.ROOT);
        Checks.requireArgument((scheme.equals("https") || scheme.equals("http")) && requestUri.getHost() != null,
                "requestUri must be an absolute http or https URI with a host");
        return new PresentedToken(token, proof, method, withoutQuery(requestUri));
    }

    /** The token, without its scheme. Handle with care: never log it. */
    public String token() {
        return token;
    }

    /** Whether the token was presented with the {@code DPoP} scheme. */
    public boolean isDPoP() {
        return method != null;
    }

    /** The {@code DPoP} proof of a DPoP presentation, when the request had one. Never log it. */
    public Optional<String> dpopProof() {
        return Optional.ofNullable(proof);
    }

    /** The request method of a DPoP presentation; empty for a bearer token. */
    public Optional<String> method() {
        return Optional.ofNullable(method);
    }

    /** The request URI of a DPoP presentation, without query and fragment; empty for a bearer token. */
    public Optional<URI> requestUri() {
        return Optional.ofNullable(uri);
    }

    /** The scheme, and for DPoP the method and URI; never the token or the proof. */
    @Override
    public String toString() {
        return isDPoP() ? "PresentedToken[DPoP " + method + " " + uri + "]" : "PresentedToken[Bearer]";
    }

    private static URI withoutQuery(URI uri) {
        if (uri.getRawQuery() == null && uri.getRawFragment() == null) {
            return uri;
        }
        String s = uri.toString();
        int cut = s.length();
        int q = s.indexOf('?');
        int f = s.indexOf('#');
        if (q >= 0) {
            cut = q;
        }
        if (f >= 0 && f < cut) {
            cut = f;
        }
        try {
            return new URI(s.substring(0, cut));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("requestUri is not a valid URI", e);
        }
    }

    /** RFC 9110 §5.6.2 {@code tchar}. */
    private static boolean isTokenChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
