package dev.baton.servlet;

import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.PresentedToken;
import dev.baton.ThreadBoundToken;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.internal.Checks;
import dev.baton.servlet.internal.BearerTokenResolver;
import dev.baton.servlet.internal.ChallengeWriter;
import dev.baton.servlet.internal.Cors;
import dev.baton.servlet.internal.PathRules;
import dev.baton.servlet.internal.Refusal;
import dev.baton.servlet.internal.ResourceMetadata;
import dev.baton.servlet.internal.TokenAuthenticator;
import dev.baton.servlet.internal.TokenHandOff;
import dev.baton.servlet.internal.WebUrls;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A servlet filter that admits only requests carrying an acceptable OAuth 2.0 bearer token
 * (RFC 6750), answers the others with the challenges MCP clients expect (RFC 6750 §3 with the
 * RFC 9728 §5.1 {@code resource_metadata} parameter), and serves the resource's RFC 9728 protected
 * resource metadata. The {@linkplain dev.baton.servlet package documentation} lists what each
 * request gets, the audit events and the {@code web.xml} init parameters.
 *
 * <pre>{@code
 * BearerTokenFilter filter = BearerTokenFilter.builder(validator)    // a TokenValidator
 *     .resource("https://mcp.example.com/mcp")
 *     .authorizationServers("https://idp.example.com/oauth2/mcp")
 *     .requireScopes("/mcp/*", "mcp:tools:call")
 *     .openPaths("/health")
 *     .build();
 * FilterHolder holder = new FilterHolder(filter);
 * holder.setAsyncSupported(true);                 // MCP Streamable HTTP uses startAsync()
 * context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
 *
 * ValidatedToken user = BearerTokenFilter.validatedToken(request);   // in a servlet behind it
 * }</pre>
 *
 * <p>A request is checked in four steps: the token is extracted from the one {@code Authorization}
 * header (RFC 6750 §2.1; or, with a {@linkplain Builder#dpop(DPoPPolicy) DPoP policy}, RFC 9449
 * §7.1 {@code DPoP} with its one {@code DPoP} proof header), validated by the {@link TokenValidator}
 * (with the proof, for this request's method and URI) and the path's scope rules, handed to the
 * application, and the chain continues. A refusal gets 400, 401, 403 or (the authorization server
 * failed) 503; never 500, never token or proof content.
 *
 * <h2>The accepted token</h2>
 * The request attribute {@value #VALIDATED_TOKEN_ATTRIBUTE} is the one hand-off, read by
 * {@link #validatedToken(ServletRequest)}; the rest are views of it. The request passed down the
 * chain names its subject in {@code getUserPrincipal()}, also after {@code startAsync()}, and
 * {@link ThreadBoundToken} holds it until the chain returns on this thread (code on other threads,
 * such as SSE or async MCP handlers, reads the attribute). A forward, include, async or error
 * dispatch of an accepted request goes on with the token bound again; any other is checked anew.
 *
 * <h2>Configuration from {@code web.xml}</h2>
 * A filter the container creates with the {@linkplain #BearerTokenFilter() no-argument constructor}
 * is configured by {@link #init(FilterConfig)} from init parameters, and owns the validator it builds
 * from them: {@link #destroy()} closes it. Declare it {@code <async-supported>true</async-supported>}.
 * Thread-safe; one instance serves all requests.
 */
public final class BearerTokenFilter implements Filter {

    /** The request attribute under which an accepted {@link ValidatedToken} is stored: {@value}. */
    public static final String VALIDATED_TOKEN_ATTRIBUTE = TokenHandOff.ATTRIBUTE;

    private final Function<TokenValidator.Builder, TokenValidator> validatorFactory;
    private volatile Protection protection;
    /** The validator built from init parameters, closed by {@link #destroy()}; never one the application passed. */
    private volatile TokenValidator ownValidator;

    /** For a filter declared in {@code web.xml}, configured by {@link #init(FilterConfig)}; code uses the builder. */
    public BearerTokenFilter() {
        this(TokenValidator.Builder::build);
    }

    /** A {@code web.xml} filter whose validator {@code validatorFactory} builds from the init parameters. */
    BearerTokenFilter(Function<TokenValidator.Builder, TokenValidator> validatorFactory) {
        this.validatorFactory = validatorFactory;
    }

    private BearerTokenFilter(Protection protection) {
        this.validatorFactory = null;
        this.protection = protection;
    }

    /** Starts building a filter that accepts the tokens {@code validator} accepts; the filter never closes it. */
    public static Builder builder(TokenValidator validator) {
        return new Builder(Objects.requireNonNull(validator, "validator"), validator.requiredScopes(),
                validator.dpopAlgorithms());
    }

    /**
     * The token this filter accepted for {@code request} (its attribute {@value #VALIDATED_TOKEN_ATTRIBUTE}),
     * or {@code null} when the filter did not authenticate it (an open path, a request it is not mapped to).
     */
    public static ValidatedToken validatedToken(ServletRequest request) {
        return TokenHandOff.of(request);
    }

    /**
     * Configures a filter made by the no-argument constructor from the init parameters of the
     * {@linkplain dev.baton.servlet package documentation}; a filter made by the builder ignores them.
     *
     * @throws ServletException naming a missing or invalid parameter: the application must not start unprotected
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        if (protection == null) {
            BearerTokenFilterSpec spec = BearerTokenFilterSpec.of(config);
            TokenValidator validator = spec.validator(validatorFactory);
            protection = spec.filter(validator).protection;
            ownValidator = validator;
        }
    }

    /** Closes the validator built from init parameters, if any; one passed to the builder is its owner's to close. */
    @Override
    public void destroy() {
        TokenValidator own = ownValidator;
        ownValidator = null;
        if (own != null) {
            own.close();
        }
    }

    /** Checks the request as the class documentation describes: extract, validate, hand off, continue. */
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Protection p = protection;
        if (p == null) {
            throw new ServletException("BearerTokenFilter used before init(FilterConfig)");
        }
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
            throw new ServletException("BearerTokenFilter only handles HTTP requests");
        }
        if (p.metadata().isMetadataRequest(req)) {
            p.metadata().serve(req, resp);
            return;
        }
        String path = PathRules.pathOf(req);
        if (p.paths().isOpen(path)) {
            chain.doFilter(req, resp);
            return;
        }
        if (Cors.isPreflight(req)) {
            // Fetch standard §3.2.2: a preflight carries no credentials; the real request is checked.
            Cors.protectedPreflight(req, resp);
            return;
        }
        ValidatedToken token = validatedToken(req);
        boolean dpop = TokenHandOff.isDPoP(req);
        if (token == null || req.getDispatcherType() == DispatcherType.REQUEST) {
            // Only a later dispatch (forward, include, async, error) of an accepted request keeps its
            // token: clients cannot set request attributes. Anything else is extracted and validated.
            PathRules.Scopes scopes = p.paths().scopesFor(path);
            AuditContext context = AuditContext.of(req.getMethod(), req.getContextPath() + path);
            try {
                PresentedToken presented = p.resolver().resolve(req);
                token = p.authenticator().authenticate(presented, scopes.pathRequired(), context);
                dpop = presented.isDPoP();
            } catch (Refusal refusal) {
                refusal.report(p.audit(), context);
                p.challenges().write(req, resp, refusal, scopes.advertised());
                return;
            }
        }
        p.cors().allowProtected(req, resp);
        TokenHandOff.continueChain(token, dpop, req, resp, chain);
    }

    /** The immutable configuration one filter applies to every request. */
    private record Protection(ResourceMetadata metadata, PathRules paths, BearerTokenResolver resolver,
            TokenAuthenticator authenticator, ChallengeWriter challenges, Cors cors, AuditListener audit) {
    }

    /**
     * Builds the filter and, from the same configuration, its metadata servlet; not thread-safe. Setters
     * throw {@link IllegalArgumentException} for a bad value, {@code build*()} {@link IllegalStateException} if one is missing.
     */
    public static final class Builder {
        /** The default {@linkplain #maxTokenLength(int) token length cap}, in characters. */
        public static final int DEFAULT_MAX_TOKEN_LENGTH = 8192;

        private final TokenValidator validator;
        private final Set<String> validatorScopes;
        private final List<String> dpopAlgorithms;
        private final ResourceMetadata.Builder metadata = new ResourceMetadata.Builder();
        private final PathRules.Builder paths = PathRules.builder();
        private final Set<String> corsAllowedOrigins = new LinkedHashSet<>();
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
        private AuditListener auditListener = AuditListener.of(AuditListener.slf4j());
        private DPoPPolicy dpopPolicy = DPoPPolicy.BEARER_ONLY;
        private String externalBaseUrl;

        private Builder(TokenValidator validator, Collection<String> validatorScopes, List<String> dpopAlgorithms) {
            this.validator = validator;
            this.validatorScopes = new LinkedHashSet<>(validatorScopes);
            this.dpopAlgorithms = List.copyOf(dpopAlgorithms);
        }

        /**
         * A builder of the metadata only (for {@code web.xml}), for a validator requiring
         * {@code validatorScopes} and accepting {@code dpopAlgorithms} for DPoP proofs.
         */
        static Builder forMetadata(Collection<String> validatorScopes, List<String> dpopAlgorithms) {
            return new Builder(null, validatorScopes, dpopAlgorithms);
        }

        /**
         * The RFC 9728 §1.2 resource identifier, such as {@code https://mcp.example.com/mcp}: the URL
         * clients call, whose path gives the metadata URL (RFC 9728 §3.1). Required; replaces earlier values.
         *
         * @throws IllegalArgumentException unless {@code https} ({@code http} only on loopback), without
         *     query, fragment or user info
         */
        public Builder resource(String resource) {
            metadata.resource(resource);
            return this;
        }

        /**
         * The metadata's {@code authorization_servers} (RFC 9728 §2): the issuers of this resource's
         * tokens. Required; replaces earlier values.
         *
         * @throws IllegalArgumentException for a value {@link #resource(String)} would refuse
         */
        public Builder authorizationServers(String... issuers) {
            metadata.authorizationServers(issuers);
            return this;
        }

        /**
         * The metadata's {@code scopes_supported} (RFC 9728 §2), by default the validator's required
         * scopes, then the path rules'. Replaces earlier values.
         *
         * @throws IllegalArgumentException if a value is not an RFC 6749 §3.3 scope token
         */
        public Builder scopesSupported(String... scopes) {
            metadata.scopesSupported(scopes);
            return this;
        }

        /**
         * The metadata's {@code resource_name} (RFC 9728 §2). Replaces earlier values.
         *
         * @throws IllegalArgumentException if blank
         */
        public Builder resourceName(String name) {
            metadata.resourceName(name);
            return this;
        }

        /**
         * The metadata's {@code resource_documentation} (RFC 9728 §2). Replaces earlier values.
         *
         * @throws IllegalArgumentException if not an absolute {@code http} or {@code https} URL
         */
        public Builder resourceDocumentation(String url) {
            metadata.resourceDocumentation(url);
            return this;
        }

        /**
         * Requires {@code scopes}, beyond the validator's, of paths (in the application) matching
         * {@code pathPattern}: {@code /*}, {@code /mcp/*} ({@code /mcp} and below) or an exact path;
         * otherwise 403 {@code insufficient_scope}. Adds to earlier rules; every matching rule applies.
         *
         * @throws IllegalArgumentException for a bad pattern, no scopes, or a non-RFC 6749 §3.3 scope token
         */
        public Builder requireScopes(String pathPattern, String... scopes) {
            paths.requireScopes(pathPattern, scopes);
            return this;
        }

        /**
         * Paths needing no token (health checks), as {@link #requireScopes} patterns; their requests pass
         * untouched, without a {@link ValidatedToken}. Adds to earlier values.
         *
         * @throws IllegalArgumentException for an invalid pattern
         */
        public Builder openPaths(String... pathPatterns) {
            Arrays.stream(pathPatterns).forEach(paths::open);
            return this;
        }

        /**
         * The longest token accepted, in characters (default {@value #DEFAULT_MAX_TOKEN_LENGTH}); a longer
         * one gets {@code invalid_token} before anything decodes it. Replaces earlier values.
         *
         * @throws IllegalArgumentException unless between 256 and 65536 (the validator's range)
         */
        public Builder maxTokenLength(int maxTokenLength) {
            this.maxTokenLength = Checks.requireBetween(maxTokenLength, 256, 65536, "max token length");
            return this;
        }

        /**
         * Receives the events of requests refused before the validator or by a path rule (default
         * {@link AuditListener#slf4j()}). Replaces earlier values.
         */
        public Builder auditListener(AuditListener listener) {
            // Wrapped so that a failing listener is logged and cannot turn a refusal into a 500.
            this.auditListener = AuditListener.of(Objects.requireNonNull(listener, "audit listener"));
            return this;
        }

        /**
         * Origins ({@code https://app.example.com}, or {@code *}) whose scripts may read accepted
         * responses, never with credentials; metadata, challenges and preflights are readable from any
         * origin regardless. Adds to earlier values.
         *
         * @throws IllegalArgumentException if a value is neither {@code *} nor {@code scheme://host[:port]}
         */
        public Builder corsAllowedOrigins(String... origins) {
            Arrays.stream(origins).map(Cors::requireOrigin).forEach(corsAllowedOrigins::add);
            return this;
        }

        /**
         * Which tokens this resource accepts (RFC 9449 §7): {@link DPoPPolicy#BEARER_ONLY} (the
         * default), {@link DPoPPolicy#ACCEPTED} or {@link DPoPPolicy#REQUIRED}. With DPoP, the
         * validator checks each proof (its algorithms, proof age, replay memory and nonces are set on
         * {@link TokenValidator.Builder}); challenges name the {@code DPoP} scheme with the validator's
         * {@link TokenValidator#dpopAlgorithms() algorithms}, and so does the metadata
         * ({@code dpop_signing_alg_values_supported}, and {@code dpop_bound_access_tokens_required}
         * when required). A proof must be made for the URL the client called: see
         * {@link #externalBaseUrl(String)}. Replaces earlier values.
         *
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder dpop(DPoPPolicy policy) {
            this.dpopPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The scheme, host, port and any path prefix by which clients reach this application, such
         * as {@code https://mcp.example.com} or {@code https://api.example.com/tools}, when a proxy
         * in front of it changes them: a DPoP proof's {@code htu} (RFC 9449 §4.3 check 9) is
         * compared with this URL followed by the request's URI path ({@code getRequestURI()}, context
         * path included). Default: the scheme, host and port of the {@link #resource(String)}, never
         * the {@code Host} header a client sends. Only used with DPoP. Replaces earlier values.
         *
         * @throws IllegalArgumentException unless {@code https} ({@code http} only on loopback), without
         *     query, fragment or user info
         */
        public Builder externalBaseUrl(String url) {
            String checked = WebUrls.requireSecureWithoutQuery(url, "external base URL").toString();
            this.externalBaseUrl = checked.endsWith("/") ? checked.substring(0, checked.length() - 1) : checked;
            return this;
        }

        /**
         * Builds the filter.
         *
         * @throws IllegalStateException without a {@link #resource(String)} or {@link #authorizationServers},
         *     or with a DPoP policy and a validator that verifies no DPoP proofs
         */
        public BearerTokenFilter build() {
            ResourceMetadata document = metadata();
            Checks.requireState(validator != null, "this builder only builds the metadata servlet");
            return new BearerTokenFilter(new Protection(document, paths.build(validatorScopes),
                    new BearerTokenResolver(maxTokenLength, dpopPolicy,
                            externalBaseUrl != null ? externalBaseUrl : document.origin()),
                    new TokenAuthenticator(validator),
                    new ChallengeWriter(document.url(), dpopPolicy, dpopAlgorithms), new Cors(corsAllowedOrigins),
                    auditListener));
        }

        /**
         * Builds a servlet serving the filter's metadata, for containers that answer 404 before any
         * filter runs ({@link ProtectedResourceMetadataServlet}).
         *
         * @throws IllegalStateException without a {@link #resource(String)} or {@link #authorizationServers}
         */
        public ProtectedResourceMetadataServlet buildMetadataServlet() {
            return new ProtectedResourceMetadataServlet(metadata());
        }

        ResourceMetadata metadata() {
            Checks.requireState(dpopPolicy == DPoPPolicy.BEARER_ONLY || !dpopAlgorithms.isEmpty(),
                    "dpop(" + dpopPolicy + ") needs a validator that verifies DPoP proofs (its dpopAlgorithms() is empty)");
            metadata.dpop(dpopPolicy == DPoPPolicy.BEARER_ONLY ? List.of() : dpopAlgorithms,
                    dpopPolicy == DPoPPolicy.REQUIRED);
            return metadata.build(() -> paths.allScopes(validatorScopes));
        }
    }
}
