package dev.baton.mcp;

import dev.baton.AuditListener;
import dev.baton.TokenValidator;
import dev.baton.internal.Checks;
import dev.baton.internal.TokenSyntax;
import dev.baton.mcp.internal.JsonRpcRefusal;
import dev.baton.mcp.internal.McpRules;
import dev.baton.mcp.internal.ScopeRules;
import dev.baton.mcp.internal.SessionBindings;
import dev.baton.mcp.internal.TransportGuard;
import dev.baton.mcp.internal.TransportGuard.OriginPattern;
import dev.baton.servlet.BearerTokenFilter;
import dev.baton.servlet.DPoPPolicy;
import dev.baton.servlet.ProtectedResourceMetadataServlet;
import dev.baton.servlet.internal.ChallengeWriter;
import dev.baton.servlet.internal.ResourceMetadata;
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
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The authorization an MCP server on the MCP Java SDK's servlet transport needs, as one servlet
 * filter: DNS-rebinding protection, then {@link BearerTokenFilter} (RFC 6750 challenges, RFC 9728
 * metadata), then the MCP rules (per-tool scopes with step-up challenges, header/body consistency,
 * sessions bound to their user), then the SDK. The {@linkplain dev.baton.mcp package documentation}
 * lists every answer it gives.
 *
 * <pre>{@code
 * McpAuthorizationFilter filter = McpAuthorizationFilter.builder(validator)   // a TokenValidator
 *     .resource("https://mcp.example.com/mcp")
 *     .authorizationServers("https://idp.example.com/oauth2/mcp")
 *     .requireToolScopes("get_country_details", "countries:details")
 *     .build();
 * FilterHolder holder = new FilterHolder(filter);
 * holder.setAsyncSupported(true);                       // the SDK's transport uses startAsync()
 * context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
 *
 * HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
 *     .contextExtractor(McpUser.contextExtractor())   // the user reaches the tool handlers
 *     .build();
 * }</pre>
 *
 * <p>Map it to {@code /*} (it also serves the metadata at {@code /.well-known/oauth-protected-resource/…}),
 * or to the MCP endpoint and the two metadata paths when other paths of the application must stay
 * open: every path it is mapped to needs a token. Thread-safe; one instance serves all requests.
 */
public final class McpAuthorizationFilter implements Filter {
    private final TransportGuard guard;
    private final BearerTokenFilter bearer;
    private final McpRules rules;

    private McpAuthorizationFilter(TransportGuard guard, BearerTokenFilter bearer, McpRules rules) {
        this.guard = guard;
        this.bearer = bearer;
        this.rules = rules;
    }

    /** Starts building a filter that accepts the tokens {@code validator} accepts; the filter never closes it. */
    public static Builder builder(TokenValidator validator) {
        return new Builder(Objects.requireNonNull(validator, "validator"));
    }

    /** Nothing to configure: the builder did. */
    @Override
    public void init(FilterConfig config) throws ServletException {
        bearer.init(config);
    }

    /**
     * Refuses a request from a foreign origin or host (403), authenticates it (401/403/400/503 as
     * {@link BearerTokenFilter} answers), applies the MCP rules (400, 403, 404, 413), then continues.
     */
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
            throw new ServletException("McpAuthorizationFilter only handles HTTP requests");
        }
        if (req.getDispatcherType() == DispatcherType.REQUEST) {
            try {
                guard.check(req);
            } catch (JsonRpcRefusal refusal) {
                refusal.write(req, resp);
                return;
            }
        }
        bearer.doFilter(req, resp, (authenticated, sameResponse) ->
                rules.apply((HttpServletRequest) authenticated, (HttpServletResponse) sameResponse, chain));
    }

    /** Nothing to release: the validator belongs to the application. */
    @Override
    public void destroy() {
        bearer.destroy();
    }

    /**
     * Builds the filter; not thread-safe. Setters throw {@link IllegalArgumentException} for a bad
     * value at once, {@link #build()} {@link IllegalStateException} if a required one is missing.
     */
    public static final class Builder {
        /** The default {@linkplain #mcpEndpoint(String) MCP endpoint}, the SDK's own default: {@value}. */
        public static final String DEFAULT_MCP_ENDPOINT = "/mcp";
        /** The default {@linkplain #maxRequestBodySize(int) body size limit}: 1 MiB. */
        public static final int DEFAULT_MAX_REQUEST_BODY_SIZE = 1024 * 1024;
        /** The default {@linkplain #sessionBindings(int, Duration) number of sessions remembered}. */
        public static final int DEFAULT_MAX_SESSIONS = 10_000;
        /** The default {@linkplain #sessionBindings(int, Duration) idle time} after which a session is forgotten. */
        public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofHours(1);
        /** The default allowed origins: loopback pages, any port, http or https. */
        public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of("http://localhost:*", "https://localhost:*",
                "http://127.0.0.1:*", "https://127.0.0.1:*", "http://[::1]:*", "https://[::1]:*");

        private final TokenValidator validator;
        private final BearerTokenFilter.Builder bearer;
        private final Map<String, Set<String>> toolScopes = new LinkedHashMap<>();
        private final Map<String, Set<String>> methodScopes = new LinkedHashMap<>();
        private final Set<String> allowedHosts = new LinkedHashSet<>();
        private String resource;
        private List<String> authorizationServers = List.of();
        private String[] scopesSupported;
        private AuditListener audit = AuditListener.of(AuditListener.slf4j());
        private List<OriginPattern> allowedOrigins;
        private String mcpEndpoint = DEFAULT_MCP_ENDPOINT;
        private ScopeChallengeStrategy strategy = ScopeChallengeStrategy.GRANTED_AND_REQUIRED;
        private int maxBodySize = DEFAULT_MAX_REQUEST_BODY_SIZE;
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private Duration sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
        private DPoPPolicy dpopPolicy = DPoPPolicy.BEARER_ONLY;

        private Builder(TokenValidator validator) {
            this.validator = validator;
            this.bearer = BearerTokenFilter.builder(validator);
        }

        /**
         * The RFC 9728 §1.2 resource identifier: the MCP endpoint's URL as clients call it, such as
         * {@code https://mcp.example.com/mcp}. Required; replaces earlier values.
         *
         * @throws IllegalArgumentException as {@link BearerTokenFilter.Builder#resource(String)}
         */
        public Builder resource(String resource) {
            bearer.resource(resource);
            this.resource = resource;
            return this;
        }

        /**
         * The issuers of this resource's tokens (RFC 9728 §2 {@code authorization_servers}). Required;
         * replaces earlier values.
         *
         * @throws IllegalArgumentException as {@link BearerTokenFilter.Builder#authorizationServers(String...)}
         */
        public Builder authorizationServers(String... issuers) {
            bearer.authorizationServers(issuers);
            this.authorizationServers = List.of(issuers);
            return this;
        }

        /**
         * The metadata's {@code resource_name} (RFC 9728 §2). Replaces earlier values.
         *
         * @throws IllegalArgumentException if blank
         */
        public Builder resourceName(String name) {
            bearer.resourceName(name);
            return this;
        }

        /**
         * The metadata's {@code scopes_supported}, by default the validator's required scopes then
         * every method and tool scope (never {@code offline_access}). Replaces earlier values.
         *
         * @throws IllegalArgumentException if a value is not an RFC 6749 §3.3 scope token
         */
        public Builder scopesSupported(String... scopes) {
            this.scopesSupported = TokenSyntax.requireScopeTokens(Arrays.asList(scopes)).toArray(String[]::new);
            return this;
        }

        /**
         * Requires {@code scopes} of every {@code tools/call} of the tool {@code name} (its
         * {@code params.name}), besides the validator's; otherwise 403 {@code insufficient_scope}
         * before the tool runs. Adds to earlier rules.
         *
         * @throws IllegalArgumentException for an empty name, no scopes, a value that is not an
         *     RFC 6749 §3.3 scope token, or {@code offline_access}
         */
        public Builder requireToolScopes(String name, String... scopes) {
            ScopeRules.addRule(toolScopes, name, "tool name", scopes);
            return this;
        }

        /**
         * Requires {@code scopes} of every JSON-RPC request for {@code method}, such as
         * {@code resources/read} or {@code tools/call}, besides the validator's. Adds to earlier rules.
         *
         * @throws IllegalArgumentException as {@link #requireToolScopes(String, String...)}
         */
        public Builder requireMethodScopes(String method, String... scopes) {
            ScopeRules.addRule(methodScopes, method, "method", scopes);
            return this;
        }

        /**
         * Which scopes a 403 challenge lists (default {@link ScopeChallengeStrategy#GRANTED_AND_REQUIRED}).
         * Replaces earlier values.
         */
        public Builder scopeChallenge(ScopeChallengeStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * The path the SDK's transport serves ({@code mcpEndpoint(..)} of its builder; default
         * {@value #DEFAULT_MCP_ENDPOINT}). The MCP rules apply to every request whose URI ends with it,
         * the test the transport itself makes. Replaces earlier values.
         *
         * @throws IllegalArgumentException unless it starts with {@code /}
         */
        public Builder mcpEndpoint(String path) {
            Checks.requireArgument(path != null && path.startsWith("/") && path.length() > 1,
                    "the MCP endpoint must be a path such as /mcp");
            this.mcpEndpoint = path;
            return this;
        }

        /**
         * The largest POST body read, in bytes (default 1 MiB); a larger one gets 413. Replaces
         * earlier values.
         *
         * @throws IllegalArgumentException unless between 1 KiB and 64 MiB
         */
        public Builder maxRequestBodySize(int bytes) {
            this.maxBodySize = Checks.requireBetween(bytes, 1024, 64 * 1024 * 1024, "max request body size");
            return this;
        }

        /**
         * The origins whose pages may call the server (MCP Streamable HTTP: a present {@code Origin}
         * that is not allowed gets 403), as {@code http(s)://host[:port]} or {@code http(s)://host:*}.
         * By default {@link #DEFAULT_ALLOWED_ORIGINS} and the {@linkplain #resource(String) resource}'s
         * own origin. Replaces the defaults and earlier values; requests without {@code Origin}
         * (non-browser clients) always pass.
         *
         * @throws IllegalArgumentException for a value of another form
         */
        public Builder allowedOrigins(String... origins) {
            this.allowedOrigins = Arrays.stream(origins).map(OriginPattern::parse).toList();
            return this;
        }

        /**
         * Host names accepted on connections to a loopback address besides loopback names
         * ({@code localhost}, {@code 127.x.y.z}, {@code [::1]}) and the resource's host, for a
         * reverse proxy on the same machine. Adds to earlier values.
         *
         * @throws IllegalArgumentException for a blank name
         */
        public Builder allowedHosts(String... hostNames) {
            for (String host : hostNames) {
                Checks.requireArgument(host != null && !host.isBlank(), "allowed host must not be blank");
                allowedHosts.add(host.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * Bounds the sessions remembered with their user: at most {@code maximumSize} (default
         * {@value #DEFAULT_MAX_SESSIONS}), each forgotten after {@code idleTimeout} without a request
         * (default 1 hour). A forgotten session is answered 404 and the client starts a new one.
         * Replaces earlier values.
         *
         * @throws IllegalArgumentException unless the size is between 1 and 10,000,000 and the time positive
         */
        public Builder sessionBindings(int maximumSize, Duration idleTimeout) {
            this.maxSessions = Checks.requireBetween(maximumSize, 1, 10_000_000, "maximum sessions");
            this.sessionIdleTimeout = Checks.requirePositive(idleTimeout, "session idle timeout");
            return this;
        }

        /** Receives refusals ({@link BearerTokenFilter.Builder#auditListener}). Replaces earlier values. */
        public Builder auditListener(AuditListener listener) {
            bearer.auditListener(listener);
            this.audit = AuditListener.of(Objects.requireNonNull(listener, "audit listener"));
            return this;
        }

        /**
         * Origins whose scripts may read accepted responses (CORS), as
         * {@link BearerTokenFilter.Builder#corsAllowedOrigins(String...)}. Adds to earlier values.
         */
        public Builder corsAllowedOrigins(String... origins) {
            bearer.corsAllowedOrigins(origins);
            return this;
        }

        /**
         * Which tokens the MCP server accepts: bearer only (the default), DPoP-bound ones as well, or
         * only those, as {@link BearerTokenFilter.Builder#dpop(DPoPPolicy)}. Step-up challenges (403
         * {@code insufficient_scope}) name the scheme the request's token came with. Replaces earlier values.
         *
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder dpop(DPoPPolicy policy) {
            bearer.dpop(policy);
            this.dpopPolicy = policy;
            return this;
        }

        /**
         * The URL by which clients reach this application, when a proxy changes it, for the DPoP
         * proof's {@code htu}, as {@link BearerTokenFilter.Builder#externalBaseUrl(String)}. Replaces
         * earlier values.
         *
         * @throws IllegalArgumentException as {@link BearerTokenFilter.Builder#externalBaseUrl(String)}
         */
        public Builder externalBaseUrl(String url) {
            bearer.externalBaseUrl(url);
            return this;
        }

        /**
         * Builds the filter.
         *
         * @throws IllegalStateException without a {@link #resource(String)} or {@link #authorizationServers},
         *     or with a DPoP policy and a validator that verifies no DPoP proofs
         */
        public McpAuthorizationFilter build() {
            ScopeRules scopes = scopeRules();
            bearer.scopesSupported(scopesSupported != null ? scopesSupported : scopes.allScopes().toArray(String[]::new));
            BearerTokenFilter filter = bearer.build();
            ResourceMetadata.Builder metadata = new ResourceMetadata.Builder();
            metadata.resource(resource);
            metadata.authorizationServers(authorizationServers.toArray(String[]::new));
            McpRules rules = new McpRules(mcpEndpoint, maxBodySize, scopes,
                    new SessionBindings(maxSessions, sessionIdleTimeout),
                    new ChallengeWriter(metadata.build(List::of).url(), dpopPolicy, validator.dpopAlgorithms()),
                    audit);
            return new McpAuthorizationFilter(TransportGuard.forResource(resource, allowedOrigins,
                    DEFAULT_ALLOWED_ORIGINS, allowedHosts), filter, rules);
        }

        /**
         * Builds a servlet serving the same metadata, for containers that answer 404 before any
         * filter runs ({@link BearerTokenFilter.Builder#buildMetadataServlet()}).
         *
         * @throws IllegalStateException without a {@link #resource(String)} or {@link #authorizationServers}
         */
        public ProtectedResourceMetadataServlet buildMetadataServlet() {
            bearer.scopesSupported(scopesSupported != null ? scopesSupported
                    : scopeRules().allScopes().toArray(String[]::new));
            return bearer.buildMetadataServlet();
        }

        private ScopeRules scopeRules() {
            return new ScopeRules(validator.requiredScopes(), methodScopes, toolScopes,
                    strategy == ScopeChallengeStrategy.GRANTED_AND_REQUIRED);
        }
    }
}
