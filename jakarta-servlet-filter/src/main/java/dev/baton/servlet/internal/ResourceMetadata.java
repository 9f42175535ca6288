package dev.baton.servlet.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.baton.internal.Checks;
import dev.baton.internal.TokenSyntax;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The RFC 9728 protected resource metadata document of one resource, built once from the
 * configuration, and the two paths it is served at. The filter and the metadata servlet are each
 * handed the value; it is immutable and shared by all requests. Not API.
 */
public final class ResourceMetadata {
    /** RFC 9728 §3: the well-known URI suffix. */
    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final String pathInserted;
    private final String url;
    private final String origin;
    private final byte[] json;

    /**
     * @param resource the resource identifier, already checked by the builder (absolute, no query or fragment)
     * @param authorizationServers issuer identifiers of the authorization servers
     * @param scopesSupported scopes clients may request for this resource; empty to omit
     * @param resourceName human-readable name, or {@code null}
     * @param resourceDocumentation URL of developer documentation, or {@code null}
     * @param dpopAlgorithms the JWS algorithms accepted for DPoP proofs; empty when DPoP is not accepted
     * @param dpopRequired whether only DPoP-bound tokens are accepted
     */
    ResourceMetadata(URI resource, List<String> authorizationServers, List<String> scopesSupported,
            String resourceName, String resourceDocumentation, List<String> dpopAlgorithms, boolean dpopRequired) {
        // RFC 9728 §3.1: remove a terminating slash after the host, then insert the well-known path
        // between the host and the path of the resource identifier.
        String path = resource.getRawPath() == null || "/".equals(resource.getRawPath()) ? "" : resource.getRawPath();
        this.pathInserted = WELL_KNOWN + path;
        this.origin = resource.getScheme() + "://" + resource.getRawAuthority();
        this.url = origin + pathInserted;

        // RFC 9728 §2: member names and types.
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("resource", resource.toString());
        doc.put("authorization_servers", List.copyOf(authorizationServers));
        if (!scopesSupported.isEmpty()) {
            doc.put("scopes_supported", List.copyOf(scopesSupported));
        }
        // Only the Authorization header is accepted (RFC 6750 §2.1); query and body are refused.
        doc.put("bearer_methods_supported", List.of("header"));
        if (resourceName != null) {
            doc.put("resource_name", resourceName);
        }
        if (resourceDocumentation != null) {
            doc.put("resource_documentation", resourceDocumentation);
        }
        // RFC 9728 §2: the DPoP algorithms accepted, and whether DPoP is required (false when omitted).
        if (!dpopAlgorithms.isEmpty()) {
            doc.put("dpop_signing_alg_values_supported", List.copyOf(dpopAlgorithms));
        }
        if (dpopRequired) {
            doc.put("dpop_bound_access_tokens_required", true);
        }
        this.json = JSONObjectUtils.toJSONString(doc).getBytes(StandardCharsets.UTF_8);
    }

    /** The absolute path-inserted metadata URL, the {@code resource_metadata} of every challenge (RFC 9728 §5.1). */
    public String url() {
        return url;
    }

    /** The resource's scheme, host and port ({@code https://mcp.example.com}), where its clients send requests. */
    public String origin() {
        return origin;
    }

    /**
     * Whether the request's full path (context path included, since well-known URIs live at the
     * root of the host) is the path-inserted or the root metadata path.
     */
    public boolean isMetadataRequest(HttpServletRequest request) {
        String full = request.getContextPath() + PathRules.pathOf(request);
        return full.equals(pathInserted) || full.equals(WELL_KNOWN);
    }

    /** Serves the document: {@code GET}/{@code HEAD} get it, a CORS preflight is answered, other methods get 405. */
    public void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if ("OPTIONS".equals(method)) {
            Cors.metadataPreflight(request, response);
            response.setHeader("Allow", "GET, HEAD, OPTIONS");
            return;
        }
        Cors.allowMetadata(response);
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setStatus(405);
            response.setHeader("Allow", "GET, HEAD, OPTIONS");
            response.setHeader("Cache-Control", "no-store");
            return;
        }
        response.setStatus(200);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        // Public and stable: clients may cache it for a while.
        response.setHeader("Cache-Control", "public, max-age=3600");
        response.setContentLength(json.length);
        if ("GET".equals(method)) {
            // Written and closed at once: a GET that declared a body it has not sent ends the connection.
            UnreadBody.endConnection(request, response);
            try (OutputStream out = response.getOutputStream()) {
                out.write(json);
            }
        }
    }

    /**
     * Collects the document's members for {@code BearerTokenFilter.Builder}, checking each at once
     * ({@link IllegalArgumentException}); a second call replaces the earlier value. Not thread-safe.
     */
    public static final class Builder {
        private URI resource;
        private List<String> authorizationServers = List.of();
        private List<String> scopesSupported;
        private String resourceName;
        private String resourceDocumentation;
        private List<String> dpopAlgorithms = List.of();
        private boolean dpopRequired;

        /** The {@code resource}: core's URL rule, and no query. */
        public void resource(String resource) {
            this.resource = WebUrls.requireSecureWithoutQuery(resource, "resource");
        }

        /** The {@code authorization_servers}: the {@link #resource(String)} rule for each. */
        public void authorizationServers(String... issuers) {
            this.authorizationServers = Arrays.stream(issuers)
                    .map(issuer -> WebUrls.requireSecureWithoutQuery(issuer, "authorization server").toString())
                    .toList();
        }

        /** The {@code scopes_supported}: RFC 6749 §3.3 scope tokens. */
        public void scopesSupported(String... scopes) {
            this.scopesSupported = List.copyOf(TokenSyntax.requireScopeTokens(Arrays.asList(scopes)));
        }

        /** The {@code resource_name}: not blank. */
        public void resourceName(String name) {
            Checks.requireArgument(!Objects.requireNonNull(name, "resource name").isBlank(),
                    "resource name must not be blank");
            this.resourceName = name;
        }

        /** The {@code resource_documentation}: an http(s) page. */
        public void resourceDocumentation(String url) {
            this.resourceDocumentation = WebUrls.requireWebPage(url, "resource documentation").toString();
        }

        /**
         * The DPoP members: {@code dpop_signing_alg_values_supported} when {@code algorithms} is not
         * empty, {@code dpop_bound_access_tokens_required} when {@code required}.
         */
        public void dpop(List<String> algorithms, boolean required) {
            this.dpopAlgorithms = List.copyOf(algorithms);
            this.dpopRequired = required;
        }

        /**
         * The document.
         *
         * @param defaultScopes the {@code scopes_supported} when {@link #scopesSupported} was not called
         * @throws IllegalStateException without a resource or an authorization server
         */
        public ResourceMetadata build(Supplier<List<String>> defaultScopes) {
            Checks.requireState(resource != null, "resource(..) is required: the RFC 9728 resource identifier");
            Checks.requireState(!authorizationServers.isEmpty(),
                    "authorizationServers(..) is required: at least one issuer");
            return new ResourceMetadata(resource, authorizationServers,
                    scopesSupported != null ? scopesSupported : defaultScopes.get(), resourceName,
                    resourceDocumentation, dpopAlgorithms, dpopRequired);
        }
    }
}
