package dev.baton.servlet;

import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.BearerError;
import dev.baton.ThreadBoundToken;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.ValidationEvent;
import dev.baton.internal.Endpoints;
import dev.baton.servlet.internal.AuthenticatedRequest;
import dev.baton.servlet.internal.BearerExtraction;
import dev.baton.servlet.internal.Challenge;
import dev.baton.servlet.internal.Cors;
import dev.baton.servlet.internal.InitParameters;
import dev.baton.servlet.internal.PathPattern;
import dev.baton.servlet.internal.ResourceMetadata;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet filter that admits only requests carrying an acceptable OAuth 2.0 bearer token
 * (RFC 6750), answers the others with the challenges MCP clients expect (RFC 6750 §3 with the
 * RFC 9728 §5.1 {@code resource_metadata} parameter), and serves the resource's RFC 9728 protected
 * resource metadata.
 *
 * <pre>{@code
 * TokenValidator validator = TokenValidator.builder()
 *     .issuer("https://idp.example.com/oauth2/mcp")
 *     .audience("mcpserver")
 *     .build();
 * BearerTokenFilter filter = BearerTokenFilter.builder(validator)
 *     .resource("https://mcp.example.com/mcp")
 *     .authorizationServers("https://idp.example.com/oauth2/mcp")
 *     .requireScopes("/mcp/*", "mcp:tools:call")
 *     .openPaths("/health")
 *     .build();
 * FilterHolder holder = new FilterHolder(filter);
 * holder.setAsyncSupported(true);                 // MCP Streamable HTTP uses startAsync()
 * context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
 *
 * // in a servlet behind it
 * ValidatedToken user = BearerTokenFilter.validatedToken(request);
 * }</pre>
 *
 * <h2>What a request gets</h2>
 * <ul>
 *   <li>The metadata paths ({@code /.well-known/oauth-protected-resource} followed by the path of the
 *   {@linkplain Builder#resource(String) resource}, and the bare {@code /.well-known/oauth-protected-resource})
 *   are answered by the filter itself with the JSON document, readable from any origin. The root
 *   document deliberately names the configured resource too: one filter protects one resource, so
 *   a host serves one resource's metadata (RFC 9728 §3.1 allows the root URL for a resource without
 *   a path, and clients that only try the root still find the right document). The filter must
 *   therefore be mapped to them too: map it to {@code /*}, or add
 *   {@code /.well-known/oauth-protected-resource/*} to its URL patterns. A container may answer 404
 *   to a path no servlet is mapped to before any filter runs (Tomcat without a default servlet):
 *   then map {@link ProtectedResourceMetadataServlet} there as well. Well-known URLs live at the
 *   root of the host (RFC 8615), so an application deployed under a context path only receives them
 *   when it is the root application or a proxy routes them to it.</li>
 *   <li>{@linkplain Builder#openPaths(String...) Open paths} pass through untouched.</li>
 *   <li>A CORS preflight ({@code OPTIONS} with {@code Origin} and
 *   {@code Access-Control-Request-Method}) of any other path is answered 204 for any origin, with
 *   {@code Access-Control-Allow-Origin: *}, the requested method and headers and
 *   {@code Access-Control-Max-Age}, never with {@code Access-Control-Allow-Credentials}: a
 *   preflight carries no token, and a browser-based MCP client must get past it to read the
 *   challenge of its real request.</li>
 *   <li>Every other request needs exactly one {@code Authorization: Bearer <token>} header
 *   (RFC 6750 §2.1; the scheme is matched case-insensitively):
 *   <ul>
 *     <li>no bearer token: 401, {@code WWW-Authenticate: Bearer resource_metadata="…"} (plus
 *     {@code scope="…"} when scopes are required), no {@code error};</li>
 *     <li>several {@code Authorization} headers, or an {@code access_token} in the query string or
 *     a form body: 400, {@code error="invalid_request"};</li>
 *     <li>a token that is too long, malformed, or that the validator rejects: 401,
 *     {@code error="invalid_token"} with an {@code error_description};</li>
 *     <li>a token without a required scope: 403, {@code error="insufficient_scope"},
 *     {@code scope="…"};</li>
 *     <li>a token that could not be checked because the authorization server failed
 *     ({@link TokenValidationException#isServiceUnavailable()}): 503 with
 *     {@code {"error":"temporarily_unavailable",…}} and no challenge, since the client's token is
 *     not at fault;</li>
 *     <li>an accepted token: the request goes on with the {@link ValidatedToken} as the request
 *     attribute {@value #VALIDATED_TOKEN_ATTRIBUTE} (see {@link #validatedToken(ServletRequest)}),
 *     {@code getUserPrincipal()} naming its subject, {@code getAuthType()} returning
 *     {@code "Bearer"}, and the token bound to the thread through {@link ThreadBoundToken} until
 *     the rest of the chain returns. {@code startAsync()} on that request keeps it, so
 *     {@code AsyncContext.getRequest().getUserPrincipal()} still names the subject; code running on
 *     another thread (SSE, async MCP handlers) is not bound and should call
 *     {@link #validatedToken(ServletRequest)} and {@link ThreadBoundToken#bind(ValidatedToken)}
 *     itself. A forward, include, async or error dispatch of an accepted request is let through
 *     with the same token bound again, if the filter is mapped for it; one of a request the filter
 *     did not accept (for example an open path forwarding to a protected one) is checked like a
 *     new request.</li>
 *   </ul></li>
 * </ul>
 * Every refusal carries {@code Cache-Control: no-store}, a JSON body
 * {@code {"error":"…","error_description":"…"}}, {@code Access-Control-Allow-Origin: *} and
 * {@code Access-Control-Expose-Headers: WWW-Authenticate}. No token content is ever echoed, and no
 * token makes the filter answer 500. Descriptions are reduced to the characters RFC 6750 §3 allows
 * (a double quote becomes a single quote).
 *
 * <h2>Audit</h2>
 * The validator emits one {@link ValidationEvent} per token it checks, with the request method
 * and path (context path included) as its {@link AuditContext}. Requests refused before the
 * validator sees a token (no token, several headers, a token in the query or body, too long or
 * malformed) are reported through the filter's own
 * {@linkplain Builder#auditListener(AuditListener) listener}; for a request without a token the
 * event's {@code error} is {@code null}, as no error code is sent.
 *
 * <p>A token the validator accepts but a {@linkplain Builder#requireScopes(String, String...) path
 * scope rule} refuses produces two events for the one request: the validator's
 * {@code accepted=true} (the token itself is valid; the validator knows nothing of paths), then the
 * filter's {@code accepted=false} with {@code insufficient_scope}, the same
 * {@linkplain ValidationEvent#tokenFingerprint() fingerprint}, subject and context. The last event
 * of a request is its outcome. Scopes every path needs belong in
 * {@link TokenValidator.Builder#requiredScopes(String...)}, whose refusals are a single event.
 *
 * <h2>Configuration from {@code web.xml}</h2>
 * A container that creates the filter with its {@linkplain #BearerTokenFilter() no-argument
 * constructor} configures it in {@link #init(FilterConfig)} from these init parameters (lists are
 * separated by commas or spaces):
 * <table>
 *   <caption>Init parameters</caption>
 *   <tr><th>name</th><th>required</th><th>meaning</th></tr>
 *   <tr><td>{@code issuer}</td><td>yes</td><td>the authorization server's issuer identifier; its
 *   metadata (RFC 8414, then OpenID discovery) gives the JWKS URI</td></tr>
 *   <tr><td>{@code audience}</td><td>yes</td><td>the audience ({@code aud}) every token must contain</td></tr>
 *   <tr><td>{@code required-scopes}</td><td>no</td><td>scopes every token must carry</td></tr>
 *   <tr><td>{@code jwks-uri}</td><td>no</td><td>the JWKS URI, skipping discovery</td></tr>
 *   <tr><td>{@code allowed-algorithms}</td><td>no</td><td>JWS algorithms accepted, among RS256,
 *   RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 (default: all of these)</td></tr>
 *   <tr><td>{@code clock-skew-seconds}</td><td>no</td><td>tolerance for {@code exp}, {@code nbf},
 *   {@code iat}, 0 to 300 (default 60)</td></tr>
 *   <tr><td>{@code resource}</td><td>yes</td><td>the RFC 9728 resource identifier, see
 *   {@link Builder#resource(String)}</td></tr>
 *   <tr><td>{@code authorization-servers}</td><td>no</td><td>issuers listed in the metadata
 *   (default: {@code issuer})</td></tr>
 *   <tr><td>{@code scopes-supported}</td><td>no</td><td>the metadata's {@code scopes_supported}
 *   (default: every scope the filter requires)</td></tr>
 *   <tr><td>{@code resource-name}</td><td>no</td><td>the metadata's {@code resource_name}</td></tr>
 *   <tr><td>{@code resource-documentation}</td><td>no</td><td>the metadata's
 *   {@code resource_documentation} URL</td></tr>
 *   <tr><td>{@code path-scopes}</td><td>no</td><td>scope rules per path, separated by
 *   semicolons, each {@code pattern=scope scope…}, for example
 *   {@code /mcp/*=mcp:tools:call; /admin/*=admin}</td></tr>
 *   <tr><td>{@code open-paths}</td><td>no</td><td>path patterns that need no token</td></tr>
 *   <tr><td>{@code max-token-length}</td><td>no</td><td>longest accepted token, in characters,
 *   256 to 65536, for the filter and the validator (default {@value Builder#DEFAULT_MAX_TOKEN_LENGTH})</td></tr>
 *   <tr><td>{@code cors-allowed-origins}</td><td>no</td><td>origins allowed to read accepted
 *   responses of protected paths from a browser, or {@code *}</td></tr>
 * </table>
 * Declare the filter with {@code <async-supported>true</async-supported>}: MCP Streamable HTTP
 * servers call {@code startAsync()}, which the container refuses (an
 * {@code IllegalStateException}, answered 500) when any filter of the chain does not support it.
 * A missing or invalid parameter makes {@code init} throw a {@link ServletException} naming it, so
 * the application fails to start instead of running unprotected. A filter made by
 * {@link #builder(TokenValidator)} ignores init parameters.
 *
 * <p>Thread-safe; one instance serves all requests.
 */
public final class BearerTokenFilter implements Filter {

    /**
     * The request attribute under which an accepted {@link ValidatedToken} is stored:
     * {@value}.
     */
    public static final String VALIDATED_TOKEN_ATTRIBUTE = "dev.baton.servlet.ValidatedToken";

    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenFilter.class);

    private volatile Settings settings;

    /**
     * The constructor a servlet container uses for a filter declared in {@code web.xml}; the filter
     * is configured from init parameters in {@link #init(FilterConfig)}. Code should use
     * {@link #builder(TokenValidator)}.
     */
    public BearerTokenFilter() {
    }

    private BearerTokenFilter(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts building a filter that accepts the tokens {@code validator} accepts.
     *
     * @throws NullPointerException if {@code validator} is null
     */
    public static Builder builder(TokenValidator validator) {
        return new Builder(Objects.requireNonNull(validator, "validator"));
    }

    /**
     * The token this filter accepted for {@code request}, or {@code null} when the filter did not
     * authenticate it (an open path, or a request the filter is not mapped to).
     */
    public static ValidatedToken validatedToken(ServletRequest request) {
        Object token = request.getAttribute(VALIDATED_TOKEN_ATTRIBUTE);
        return token instanceof ValidatedToken t ? t : null;
    }

    /**
     * Configures a filter created with the no-argument constructor from the init parameters listed
     * in the class documentation (a filter made by the builder ignores them), and hands the
     * metadata to a {@link ProtectedResourceMetadataServlet} of the same application.
     *
     * @throws ServletException if a required parameter is missing or a value is invalid
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        if (settings == null) {
            settings = configure(config);
        }
        ServletContext context = config.getServletContext();
        if (context != null) {
            // For the companion ProtectedResourceMetadataServlet, which serves the same document.
            context.setAttribute(ResourceMetadata.CONTEXT_ATTRIBUTE, settings.metadata());
        }
    }

    private static Settings configure(FilterConfig config) throws ServletException {
        try {
            InitParameters p = InitParameters.read(config);
            Builder b = builder(validatorFrom(p))
                    .resource(p.resource())
                    .authorizationServers(p.authorizationServers().toArray(String[]::new))
                    .openPaths(p.openPaths().toArray(String[]::new))
                    .corsAllowedOrigins(p.corsAllowedOrigins().toArray(String[]::new));
            p.pathScopes().forEach((pattern, scopes) -> b.requireScopes(pattern, scopes.toArray(String[]::new)));
            if (p.scopesSupported() != null) {
                b.scopesSupported(p.scopesSupported().toArray(String[]::new));
            }
            if (p.resourceName() != null) {
                b.resourceName(p.resourceName());
            }
            if (p.resourceDocumentation() != null) {
                b.resourceDocumentation(p.resourceDocumentation());
            }
            if (p.maxTokenLength() != null) {
                b.maxTokenLength(p.maxTokenLength());
            }
            return b.settings();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new ServletException("BearerTokenFilter '" + config.getFilterName() + "': " + e.getMessage(), e);
        }
    }

    private static TokenValidator validatorFrom(InitParameters p) {
        TokenValidator.Builder b = TokenValidator.builder().issuer(p.issuer()).audience(p.audience());
        if (!p.requiredScopes().isEmpty()) {
            b.requiredScopes(p.requiredScopes().toArray(String[]::new));
        }
        if (p.jwksUri() != null) {
            b.jwksUri(p.jwksUri());
        }
        if (!p.allowedAlgorithms().isEmpty()) {
            b.allowedAlgorithms(p.allowedAlgorithms().toArray(String[]::new));
        }
        if (p.clockSkewSeconds() != null) {
            b.clockSkew(Duration.ofSeconds(p.clockSkewSeconds()));
        }
        if (p.maxTokenLength() != null) {
            b.maxTokenLength(p.maxTokenLength());
        }
        return b.build();
    }

    /** Checks the request as the class documentation describes. */
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Settings s = settings;
        if (s == null) {
            throw new ServletException("BearerTokenFilter used before init(FilterConfig)");
        }
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
            throw new ServletException("BearerTokenFilter only handles HTTP requests");
        }
        s.filter(req, resp, chain);
    }

    /** Builds a {@link BearerTokenFilter}. Not thread-safe; {@link #build()} checks the configuration. */
    public static final class Builder {
        /** The default {@linkplain #maxTokenLength(int) token length cap}, in characters. */
        public static final int DEFAULT_MAX_TOKEN_LENGTH = 8192;

        /** The range {@link TokenValidator.Builder#maxTokenLength(int)} accepts, so one value fits both. */
        private static final int MIN_MAX_TOKEN_LENGTH = 256;
        private static final int MAX_MAX_TOKEN_LENGTH = 65536;
        /** RFC 6749 §3.3 scope-token. */
        private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

        private final TokenValidator validator;
        private URI resource;
        private final List<String> authorizationServers = new ArrayList<>();
        private List<String> scopesSupported;
        private String resourceName;
        private String resourceDocumentation;
        private final Map<PathPattern, Set<String>> scopeRules = new LinkedHashMap<>();
        private final List<PathPattern> openPaths = new ArrayList<>();
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
        private AuditListener auditListener = AuditListener.of(AuditListener.slf4j());
        private final Set<String> corsAllowedOrigins = new LinkedHashSet<>();

        private Builder(TokenValidator validator) {
            this.validator = validator;
        }

        /**
         * The RFC 9728 §1.2 resource identifier of what this filter protects, for example
         * {@code https://mcp.example.com/mcp}; required. It is the {@code resource} of the metadata,
         * and its path decides the metadata URL: {@code https://mcp.example.com/.well-known/oauth-protected-resource/mcp}.
         * It should be the URL clients call and the audience the authorization server puts in tokens.
         *
         * @param resource an absolute {@code https} URL without query or fragment ({@code http} is
         *     accepted only for {@code localhost} and loopback addresses, for development)
         * @throws IllegalArgumentException if it is not such a URL
         */
        public Builder resource(String resource) {
            this.resource = webUrl("resource", resource);
            return this;
        }

        /**
         * The issuer identifiers of the authorization servers that issue tokens for this resource,
         * listed as {@code authorization_servers} in the metadata (RFC 9728 §2); at least one is
         * required. Replaces earlier values.
         *
         * @throws IllegalArgumentException if a value is not an absolute {@code https} URL (or
         *     {@code http} on loopback)
         */
        public Builder authorizationServers(String... issuers) {
            List<String> checked = new ArrayList<>();
            for (String issuer : issuers) {
                checked.add(webUrl("authorization server", issuer).toString());
            }
            authorizationServers.clear();
            authorizationServers.addAll(checked);
            return this;
        }

        /**
         * The {@code scopes_supported} of the metadata (RFC 9728 §2). Defaults to the validator's
         * {@linkplain TokenValidator#requiredScopes() required scopes} followed by every scope of
         * the {@linkplain #requireScopes(String, String...) path rules}. Replaces earlier values.
         *
         * @throws IllegalArgumentException if a value is not an RFC 6749 §3.3 scope token
         */
        public Builder scopesSupported(String... scopes) {
            this.scopesSupported = List.copyOf(scopeTokens(scopes));
            return this;
        }

        /**
         * The human-readable {@code resource_name} of the metadata (RFC 9728 §2), for example
         * {@code "Countries MCP server"}.
         *
         * @throws IllegalArgumentException if blank
         */
        public Builder resourceName(String name) {
            Objects.requireNonNull(name, "resource name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("resource name must not be blank");
            }
            this.resourceName = name;
            return this;
        }

        /**
         * The {@code resource_documentation} URL of the metadata (RFC 9728 §2): where developers
         * read how to use the resource.
         *
         * @throws IllegalArgumentException if not an absolute {@code http} or {@code https} URL
         */
        public Builder resourceDocumentation(String url) {
            URI uri = uri("resource documentation", url);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("resource documentation must be an http(s) URL: " + url);
            }
            this.resourceDocumentation = uri.toString();
            return this;
        }

        /**
         * Requires {@code scopes} on requests whose path matches {@code pathPattern}, on top of the
         * validator's own required scopes; a token without one of them gets 403
         * {@code insufficient_scope}. Adds to earlier rules (for the same pattern too); every
         * matching rule applies. Patterns match the path inside
         * the application: {@code /*} (everything), {@code /mcp/*} ({@code /mcp} and below) or an
         * exact path such as {@code /admin}.
         *
         * @throws IllegalArgumentException for an invalid pattern, no scopes, or a value that is
         *     not an RFC 6749 §3.3 scope token
         */
        public Builder requireScopes(String pathPattern, String... scopes) {
            PathPattern pattern = PathPattern.parse(pathPattern);
            Set<String> tokens = scopeTokens(scopes);
            if (tokens.isEmpty()) {
                throw new IllegalArgumentException("no scopes given for " + pathPattern);
            }
            scopeRules.computeIfAbsent(pattern, p -> new LinkedHashSet<>()).addAll(tokens);
            return this;
        }

        /**
         * Paths that need no token, such as health checks; the requests pass through untouched
         * and carry no {@link ValidatedToken}. Same patterns as {@link #requireScopes(String, String...)}.
         * Adds to earlier values. The metadata paths are always open and need not be listed.
         *
         * @throws IllegalArgumentException for an invalid pattern
         */
        public Builder openPaths(String... pathPatterns) {
            for (String p : pathPatterns) {
                openPaths.add(PathPattern.parse(p));
            }
            return this;
        }

        /**
         * The longest token accepted, in characters (default {@value #DEFAULT_MAX_TOKEN_LENGTH}).
         * A longer token is refused with {@code invalid_token} before anything decodes it.
         * The validator applies its own cap as well (8192 by default for {@link TokenValidator#builder()}).
         * Containers cap the whole header too (commonly 8 KiB), and answer 431 or 400 above it.
         *
         * @throws IllegalArgumentException unless between 256 and 65536 (the validator's range)
         */
        public Builder maxTokenLength(int maxTokenLength) {
            if (maxTokenLength < MIN_MAX_TOKEN_LENGTH || maxTokenLength > MAX_MAX_TOKEN_LENGTH) {
                throw new IllegalArgumentException("max token length must be between " + MIN_MAX_TOKEN_LENGTH
                        + " and " + MAX_MAX_TOKEN_LENGTH + ": " + maxTokenLength);
            }
            this.maxTokenLength = maxTokenLength;
            return this;
        }

        /**
         * Receives the events of requests the filter refuses before the validator sees a token,
         * and of tokens refused for a path's scope rule, which follow the validator's
         * {@code accepted} event for the same request (default {@link AuditListener#slf4j()}).
         * Events of the validator itself go to the validator's listener.
         */
        public Builder auditListener(AuditListener listener) {
            // Wrapped so that a failing listener is logged and cannot turn a refusal into a 500.
            this.auditListener = AuditListener.of(Objects.requireNonNull(listener, "audit listener"));
            return this;
        }

        /**
         * Origins (such as {@code https://app.example.com}) whose browser scripts may read the
         * accepted responses of protected paths, or {@code *} for any; adds to earlier values. For
         * them the filter adds {@code Access-Control-Allow-Origin} and
         * {@code Access-Control-Expose-Headers: WWW-Authenticate, Mcp-Session-Id} to accepted
         * responses. Credentials (cookies) are never allowed. The metadata, the challenges and the
         * CORS preflights are answered for any origin regardless, so that a browser client can
         * discover the authorization server before it has a token.
         *
         * @throws IllegalArgumentException if a value is neither {@code *} nor
         *     {@code scheme://host[:port]}
         */
        public Builder corsAllowedOrigins(String... origins) {
            for (String origin : origins) {
                Objects.requireNonNull(origin, "origin");
                if (!"*".equals(origin)) {
                    URI uri = uri("CORS origin", origin);
                    if (uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                            || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
                        throw new IllegalArgumentException("CORS origin must be scheme://host[:port]: " + origin);
                    }
                }
                corsAllowedOrigins.add(origin);
            }
            return this;
        }

        /**
         * Builds the filter.
         *
         * @throws IllegalStateException if {@link #resource(String)} or
         *     {@link #authorizationServers(String...)} was not set
         */
        public BearerTokenFilter build() {
            return new BearerTokenFilter(settings());
        }

        Settings settings() {
            if (resource == null) {
                throw new IllegalStateException("resource(..) is required: the RFC 9728 resource identifier");
            }
            if (authorizationServers.isEmpty()) {
                throw new IllegalStateException("authorizationServers(..) is required: at least one issuer");
            }
            Set<String> baseScopes = new LinkedHashSet<>(validator.requiredScopes());
            List<String> supported = scopesSupported;
            if (supported == null) {
                Set<String> all = new LinkedHashSet<>(baseScopes);
                scopeRules.values().forEach(all::addAll);
                supported = List.copyOf(all);
            }
            ResourceMetadata metadata = new ResourceMetadata(resource, authorizationServers, supported,
                    resourceName, resourceDocumentation);
            Map<PathPattern, Set<String>> rules = new LinkedHashMap<>();
            // Insertion-ordered copies: the challenge lists scopes in the order they were configured.
            scopeRules.forEach((p, s) -> rules.put(p, Collections.unmodifiableSet(new LinkedHashSet<>(s))));
            return new Settings(validator, metadata, new Challenge(metadata.url()), new Cors(corsAllowedOrigins),
                    List.copyOf(openPaths), Collections.unmodifiableMap(rules), Collections.unmodifiableSet(baseScopes),
                    maxTokenLength, auditListener);
        }

        private static Set<String> scopeTokens(String... scopes) {
            Set<String> out = new LinkedHashSet<>();
            for (String scope : scopes) {
                Objects.requireNonNull(scope, "scope");
                if (!SCOPE_TOKEN.matcher(scope).matches()) {
                    throw new IllegalArgumentException("not an RFC 6749 scope token: '" + scope + "'");
                }
                out.add(scope);
            }
            return out;
        }

        private static URI uri(String what, String value) {
            Objects.requireNonNull(value, what);
            try {
                URI uri = new URI(value);
                if (!uri.isAbsolute()) {
                    throw new IllegalArgumentException(what + " must be an absolute URL: " + value);
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(what + " is not a valid URL: " + value, e);
            }
        }

        /** An https URL (http on loopback) with a host and no query, fragment or user info. */
        private static URI webUrl(String what, String value) {
            URI uri = uri(what, value);
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost();
            if (host == null) {
                throw new IllegalArgumentException(what + " must have a host: " + value);
            }
            boolean loopback = Endpoints.isLoopback(host);
            if (!"https".equals(scheme) && !("http".equals(scheme) && loopback)) {
                throw new IllegalArgumentException(what + " must use https (http only on loopback): " + value);
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(what + " must not have a query, fragment or user info: " + value);
            }
            return uri;
        }
    }

    /** The immutable configuration and the request handling. */
    private record Settings(TokenValidator validator, ResourceMetadata metadata, Challenge challenge, Cors cors,
            List<PathPattern> openPaths, Map<PathPattern, Set<String>> scopeRules, Set<String> baseScopes,
            int maxTokenLength, AuditListener audit) {

        void filter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
                throws IOException, ServletException {
            String path = ResourceMetadata.pathInApplication(req);
            if (metadata.isMetadataRequest(req)) {
                metadata.serve(req, resp);
                return;
            }
            for (PathPattern open : openPaths) {
                if (open.matches(path)) {
                    chain.doFilter(req, resp);
                    return;
                }
            }
            if (Cors.isPreflight(req)) {
                // Fetch standard §3.2.2: browsers send preflights without credentials, so one cannot
                // carry a token. Answering it for every origin lets a browser client go on to the
                // real request and read its challenge; what it may read of an accepted response is
                // still limited to the configured origins.
                Cors.protectedPreflight(req, resp);
                return;
            }
            if (req.getDispatcherType() != DispatcherType.REQUEST
                    && req.getAttribute(VALIDATED_TOKEN_ATTRIBUTE) instanceof ValidatedToken earlier) {
                // A forward, include, async or error dispatch of a request this filter already
                // accepted: request attributes cannot be set by the client, so it stays accepted.
                proceed(earlier, req, resp, chain);
                return;
            }
            Set<String> pathScopes = new LinkedHashSet<>();
            scopeRules.forEach((pattern, scopes) -> {
                if (pattern.matches(path)) {
                    pathScopes.addAll(scopes);
                }
            });
            Set<String> challengeScopes = new LinkedHashSet<>(baseScopes);
            challengeScopes.addAll(pathScopes);
            AuditContext context = AuditContext.of(req.getMethod(), req.getContextPath() + path);

            BearerExtraction extraction = BearerExtraction.from(req, maxTokenLength);
            switch (extraction.outcome()) {
                case MISSING -> {
                    audit(context, null, "no bearer token", extraction.token());
                    challenge.missingToken(resp, challengeScopes);
                    return;
                }
                case INVALID_REQUEST -> {
                    audit(context, BearerError.INVALID_REQUEST, extraction.description(), null);
                    challenge.error(resp, BearerError.INVALID_REQUEST, extraction.description(), challengeScopes);
                    return;
                }
                case MALFORMED -> {
                    audit(context, BearerError.INVALID_TOKEN, extraction.description(), extraction.token());
                    challenge.error(resp, BearerError.INVALID_TOKEN, extraction.description(), challengeScopes);
                    return;
                }
                case TOKEN -> {
                    // handled below
                }
            }

            ValidatedToken token;
            try {
                token = validator.validate(extraction.token(), context);
                if (token == null) {
                    // The TokenValidator contract forbids this too: refused like a thrown exception.
                    throw new NullResult();
                }
            } catch (TokenValidationException e) {
                if (e.isServiceUnavailable()) {
                    challenge.unavailable(resp, e.description());
                } else {
                    Set<String> scopes = challengeScopes;
                    if (e.error() == BearerError.INSUFFICIENT_SCOPE) {
                        scopes = new LinkedHashSet<>(e.requiredScopes());
                        scopes.addAll(challengeScopes);
                    }
                    challenge.error(resp, e.error(), e.description(), scopes);
                }
                return;
            } catch (RuntimeException e) {
                // The TokenValidator contract forbids this; fail closed without a 500 and without
                // the exception's message, which is not known to be free of token content.
                LOG.error("token validator {}; request refused",
                        e instanceof NullResult ? "returned null" : "threw " + e.getClass().getName());
                audit(context, BearerError.INVALID_TOKEN, "validator failure", extraction.token());
                challenge.error(resp, BearerError.INVALID_TOKEN, "The token could not be validated.", challengeScopes);
                return;
            }
            if (!token.scopes().containsAll(pathScopes)) {
                audit.onValidation(new ValidationEvent(Clock.systemUTC().instant(), false,
                        BearerError.INSUFFICIENT_SCOPE, "missing a scope this path requires", token.subject(),
                        token.clientId(), token.issuer(), token.audiences(), token.scopes(), token.fingerprint(),
                        false, Duration.ZERO, context));
                challenge.error(resp, BearerError.INSUFFICIENT_SCOPE,
                        "The token lacks a scope this resource requires.", challengeScopes);
                return;
            }
            proceed(token, req, resp, chain);
        }

        /** A validator that returned {@code null}, handled like one that threw. */
        private static final class NullResult extends RuntimeException {
            private static final long serialVersionUID = 1L;

            NullResult() {
                super("token validator returned null", null, false, false);
            }
        }

        private void proceed(ValidatedToken token, HttpServletRequest req, HttpServletResponse resp,
                FilterChain chain) throws IOException, ServletException {
            req.setAttribute(VALIDATED_TOKEN_ATTRIBUTE, token);
            cors.allowProtected(req, resp);
            try (ThreadBoundToken.Binding ignored = ThreadBoundToken.bind(token)) {
                chain.doFilter(new AuthenticatedRequest(req, resp, token), resp);
            }
        }

        private void audit(AuditContext context, BearerError error, String reason, String token) {
            audit.onValidation(new ValidationEvent(Clock.systemUTC().instant(), false, error, reason, null, null,
                    null, List.of(), Set.of(), token == null ? null : ValidatedToken.fingerprintOf(token), false,
                    Duration.ZERO, context));
        }

    }
}
