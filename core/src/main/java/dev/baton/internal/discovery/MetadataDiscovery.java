package dev.baton.internal.discovery;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.baton.EndpointObserver;
import dev.baton.internal.Endpoints;
import dev.baton.internal.http.BoundedHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds an authorization server's metadata from its issuer identifier, trying in turn RFC 8414
 * {@code /.well-known/oauth-authorization-server} (path-inserted, RFC 8414 §3.1), the suffix form
 * {@code {issuer}/.well-known/oauth-authorization-server} (Okta's layout) and OpenID Connect
 * Discovery 1.0 {@code {issuer}/.well-known/openid-configuration}. A candidate that answers
 * anything but 200, or 200 with a document that cannot be used (not metadata, malformed, another
 * issuer's), is skipped.
 *
 * <p>The {@code issuer} in the document used must equal the configured issuer exactly (RFC 8414 §3.3,
 * OIDC Discovery §4.3): a document naming another issuer is never used. Every request goes through {@link BoundedHttp} with a deadline and a size
 * cap; the client must not follow redirects. Not API.
 */
public final class MetadataDiscovery {
    /** Largest metadata document accepted. Real ones are a few kilobytes. */
    public static final int MAX_METADATA_BYTES = 256 * 1024;

    private static final String RFC8414_SUFFIX = "/.well-known/oauth-authorization-server";
    private static final String OIDC_SUFFIX = "/.well-known/openid-configuration";

    private MetadataDiscovery() {
    }

    /** Discovery failed: unreachable server, no metadata, unparseable metadata or an issuer mismatch. */
    public static final class DiscoveryException extends IOException {
        private static final long serialVersionUID = 1L;

        DiscoveryException(String message) {
            super(message);
        }

        DiscoveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Fetches and checks the metadata of {@code issuer}.
     *
     * @param client the HTTP client; must not follow redirects
     * @param observer told of each request ({@link EndpointObserver.Endpoint#DISCOVERY})
     * @param issuer the issuer identifier exactly as tokens carry it in {@code iss}
     * @param deadline the total time allowed for each of the (at most two) requests
     * @return the metadata; an {@link OIDCProviderMetadata} when it came from OIDC discovery
     * @throws DiscoveryException if neither document could be fetched and checked
     * @throws IOException on a connection failure or timeout
     */
    public static AuthorizationServerMetadata discover(HttpClient client, EndpointObserver observer, String issuer,
            Duration deadline) throws IOException {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(deadline, "deadline");
        URI rfc8414 = rfc8414Uri(issuer);
        URI rfc8414Suffix = rfc8414SuffixUri(issuer);
        URI oidc = oidcUri(issuer);
        List<String> failures = new ArrayList<>(3);
        // Each candidate is tried in turn; one that answers 200 with something unusable (an HTML
        // page, malformed JSON, another issuer's metadata) does not stop the search. Whichever
        // document is used must name exactly the configured issuer (RFC 8414 §3.3, OIDC Discovery §4.3).
        AuthorizationServerMetadata found = attempt(client, observer, issuer, rfc8414, deadline, false, failures);
        if (found == null && !rfc8414Suffix.equals(rfc8414)) {
            // Okta and some others serve RFC 8414 metadata at the suffix form {issuer}/.well-known/...
            found = attempt(client, observer, issuer, rfc8414Suffix, deadline, false, failures);
        }
        if (found == null) {
            found = attempt(client, observer, issuer, oidc, deadline, true, failures);
        }
        if (found == null) {
            throw new DiscoveryException("no authorization server metadata for issuer "
                    + Endpoints.printable(issuer, 200) + ": " + String.join("; ", failures));
        }
        return found;
    }

    private static AuthorizationServerMetadata attempt(HttpClient client, EndpointObserver observer, String issuer,
            URI uri, Duration deadline, boolean oidc, List<String> failures) throws IOException {
        BoundedHttp.Response r = get(client, observer, uri, deadline);
        if (r.status() != 200) {
            failures.add(uri + " answered " + r.status());
            return null;
        }
        try {
            return check(issuer, oidc ? parseOidc(r.body()) : parseRfc8414(r.body()), uri);
        } catch (DiscoveryException e) {
            failures.add(e.getMessage());
            return null;
        }
    }

    /**
     * The suffix form of the RFC 8414 URL, {@code {issuer}/.well-known/oauth-authorization-server},
     * which Okta's custom authorization servers answer.
     *
     * @throws IllegalArgumentException if {@code issuer} is not an absolute http(s) URL without query or fragment
     */
    public static URI rfc8414SuffixUri(String issuer) {
        requireIssuerUri(issuer);
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(base + RFC8414_SUFFIX);
    }

    /**
     * The RFC 8414 §3.1 metadata URL: the well-known segment is inserted between the host and the
     * issuer's path ({@code https://h/oauth2/mcp} → {@code https://h/.well-known/oauth-authorization-server/oauth2/mcp}).
     *
     * @throws IllegalArgumentException if {@code issuer} is not an absolute http(s) URL without query or fragment
     */
    public static URI rfc8414Uri(String issuer) {
        URI uri = requireIssuerUri(issuer);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + RFC8414_SUFFIX + path);
    }

    /**
     * The OpenID Connect Discovery §4 URL: {@code /.well-known/openid-configuration} appended to the
     * issuer, without a doubled slash.
     *
     * @throws IllegalArgumentException if {@code issuer} is not an absolute http(s) URL without query or fragment
     */
    public static URI oidcUri(String issuer) {
        requireIssuerUri(issuer);
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(base + OIDC_SUFFIX);
    }

    /**
     * Checks that {@code issuer} is an absolute {@code http} or {@code https} URL with a host and
     * without query or fragment (RFC 8414 §2).
     *
     * @throws IllegalArgumentException if not
     */
    public static URI requireIssuerUri(String issuer) {
        Objects.requireNonNull(issuer, "issuer");
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            // The value is not echoed: it may carry a password in its user info.
            throw new IllegalArgumentException("issuer is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new IllegalArgumentException("issuer must be an absolute https URL: " + Endpoints.redacted(uri));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("issuer must not have a query or fragment (RFC 8414 §2): "
                    + Endpoints.redacted(uri));
        }
        return uri;
    }

    private static BoundedHttp.Response get(HttpClient client, EndpointObserver observer, URI uri, Duration deadline)
            throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).GET().header("Accept", "application/json").build();
        return BoundedHttp.send(client, observer, EndpointObserver.Endpoint.DISCOVERY, request, deadline,
                MAX_METADATA_BYTES);
    }

    private static AuthorizationServerMetadata parseRfc8414(byte[] body) throws DiscoveryException {
        try {
            return AuthorizationServerMetadata.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            throw new DiscoveryException("malformed RFC 8414 authorization server metadata", e);
        }
    }

    private static AuthorizationServerMetadata parseOidc(byte[] body) throws DiscoveryException {
        try {
            return OIDCProviderMetadata.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            throw new DiscoveryException("malformed OpenID provider metadata", e);
        }
    }

    private static AuthorizationServerMetadata check(String issuer, AuthorizationServerMetadata metadata, URI from)
            throws DiscoveryException {
        String discovered = metadata.getIssuer() == null ? null : metadata.getIssuer().getValue();
        if (!issuer.equals(discovered)) {
            // The remote value is made printable: it ends up in log lines (no CR/LF injection).
            throw new DiscoveryException("metadata at " + from + " names issuer "
                    + Endpoints.printable(discovered, 200) + ", which does not equal the configured issuer "
                    + Endpoints.printable(issuer, 200) + " (RFC 8414 §3.3)");
        }
        return metadata;
    }
}
