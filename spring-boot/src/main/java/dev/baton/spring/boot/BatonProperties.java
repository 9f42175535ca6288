package dev.baton.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Baton's settings under {@code baton.*}: the incoming side ({@code baton.resource-server}: the
 * token validator and the filter in front of the MCP endpoint), the outgoing side
 * ({@code baton.token-exchange}: the token exchanger; {@code baton.routes}: which backend URLs get
 * an exchanged token, and for which audience and scopes).
 *
 * <p>Values are checked when the beans are built, by the same rules as Baton's builders; an
 * invalid or missing one stops the application with a message that starts with the property's
 * name, such as {@code baton.resource-server.audience must be set}. Secrets are never echoed.
 * docs/spring-boot.md lists every property with its default.
 */
@ConfigurationProperties("baton")
public class BatonProperties {
    /**
     * The default order of Baton's filter: {@value}, before Spring Security's filter chain
     * (Spring Boot registers it at -100), so that the chain sees the validated user, and after
     * Spring Boot's character-encoding and observation filters.
     */
    public static final int DEFAULT_FILTER_ORDER = -110;

    /** Whether Baton's auto-configuration is on at all. */
    private boolean enabled = true;

    /** Allow plain http routes and endpoints to loopback hosts (localhost, 127.0.0.0/8, ::1): for development and tests only. */
    private boolean allowHttpOnLoopback;

    private final ResourceServer resourceServer = new ResourceServer();

    private final TokenExchange tokenExchange = new TokenExchange();

    /** The backends that get an exchanged token; requests to any other URL go out untouched. */
    private List<Route> routes = new ArrayList<>();

    /** @return whether Baton's auto-configuration is on */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether Baton's auto-configuration is on */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return whether plain http to loopback hosts is allowed */
    public boolean isAllowHttpOnLoopback() {
        return allowHttpOnLoopback;
    }

    /** @param allowHttpOnLoopback whether plain http to loopback hosts is allowed */
    public void setAllowHttpOnLoopback(boolean allowHttpOnLoopback) {
        this.allowHttpOnLoopback = allowHttpOnLoopback;
    }

    /** @return the incoming side */
    public ResourceServer getResourceServer() {
        return resourceServer;
    }

    /** @return the outgoing side's exchanger */
    public TokenExchange getTokenExchange() {
        return tokenExchange;
    }

    /** @return the routes */
    public List<Route> getRoutes() {
        return routes;
    }

    /** @param routes the routes */
    public void setRoutes(List<Route> routes) {
        this.routes = routes;
    }

    /** {@code baton.resource-server.*}: how incoming tokens are validated and the MCP endpoint protected. */
    public static class ResourceServer {
        /** The tokens' issuer, exactly their "iss"; the JWKS is found by discovery (RFC 8414, then OIDC) unless jwks-uri is set. */
        private String issuer;

        /** The issuer's JWKS URL, to skip discovery. */
        private String jwksUri;

        /** The audience the tokens must contain in "aud" (RFC 9068 section 4), such as "mcpserver". */
        private String audience;

        /** Scopes every request needs (RFC 6749 section 3.3), such as "mcp:tools:call"; 403 insufficient_scope without them. */
        private List<String> requiredScopes = new ArrayList<>();

        /** Allowed JWS algorithms; Baton's default (RS*, PS*, ES*) when empty. */
        private List<String> allowedAlgorithms = new ArrayList<>();

        /** Clock skew tolerated for "exp", "nbf" and "iat". */
        private Duration clockSkew;

        /** The RFC 9728 resource identifier: the MCP endpoint's URL as clients call it, such as https://mcp.example.com/mcp. */
        private String resource;

        /** The issuers in the RFC 9728 metadata's authorization_servers; the issuer when empty. */
        private List<String> authorizationServers = new ArrayList<>();

        /** The metadata's resource_name. */
        private String resourceName;

        /** The metadata's scopes_supported; the required scopes and every tool scope when empty. */
        private List<String> scopesSupported = new ArrayList<>();

        /**
         * Paths the filter protects, as servlet URL patterns; by default the MCP endpoint
         * (spring.ai.mcp.server.streamable-http.mcp-endpoint, else /mcp). The RFC 9728 metadata
         * paths are always added.
         */
        private List<String> paths = new ArrayList<>();

        /** Scopes a tool needs besides the required ones (tools/call params.name to scopes); 403 with a step-up challenge without them. */
        private Map<String, List<String>> toolScopes = new LinkedHashMap<>();

        /** Scopes a JSON-RPC method needs besides the required ones, such as resources/read. */
        private Map<String, List<String>> methodScopes = new LinkedHashMap<>();

        /** Origins whose pages may call the MCP endpoint; Baton's default (loopback pages and the resource's origin) when empty. */
        private List<String> allowedOrigins = new ArrayList<>();

        /** Host names accepted on loopback connections besides loopback names and the resource's host. */
        private List<String> allowedHosts = new ArrayList<>();

        /** The largest MCP request body read, in bytes; 1 MiB when not set. */
        private Integer maxRequestBodySize;

        /** The filter's order among the servlet filters; runs before Spring Security's filter chain by default. */
        private int filterOrder = DEFAULT_FILTER_ORDER;

        /** @return the issuer */
        public String getIssuer() {
            return issuer;
        }

        /** @param issuer the issuer */
        public void setIssuer(String issuer) {
            this.issuer = issuer;
        }

        /** @return the JWKS URL */
        public String getJwksUri() {
            return jwksUri;
        }

        /** @param jwksUri the JWKS URL */
        public void setJwksUri(String jwksUri) {
            this.jwksUri = jwksUri;
        }

        /** @return the audience */
        public String getAudience() {
            return audience;
        }

        /** @param audience the audience */
        public void setAudience(String audience) {
            this.audience = audience;
        }

        /** @return the required scopes */
        public List<String> getRequiredScopes() {
            return requiredScopes;
        }

        /** @param requiredScopes the required scopes */
        public void setRequiredScopes(List<String> requiredScopes) {
            this.requiredScopes = requiredScopes;
        }

        /** @return the allowed algorithms */
        public List<String> getAllowedAlgorithms() {
            return allowedAlgorithms;
        }

        /** @param allowedAlgorithms the allowed algorithms */
        public void setAllowedAlgorithms(List<String> allowedAlgorithms) {
            this.allowedAlgorithms = allowedAlgorithms;
        }

        /** @return the clock skew */
        public Duration getClockSkew() {
            return clockSkew;
        }

        /** @param clockSkew the clock skew */
        public void setClockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
        }

        /** @return the resource identifier */
        public String getResource() {
            return resource;
        }

        /** @param resource the resource identifier */
        public void setResource(String resource) {
            this.resource = resource;
        }

        /** @return the authorization servers */
        public List<String> getAuthorizationServers() {
            return authorizationServers;
        }

        /** @param authorizationServers the authorization servers */
        public void setAuthorizationServers(List<String> authorizationServers) {
            this.authorizationServers = authorizationServers;
        }

        /** @return the resource name */
        public String getResourceName() {
            return resourceName;
        }

        /** @param resourceName the resource name */
        public void setResourceName(String resourceName) {
            this.resourceName = resourceName;
        }

        /** @return the supported scopes */
        public List<String> getScopesSupported() {
            return scopesSupported;
        }

        /** @param scopesSupported the supported scopes */
        public void setScopesSupported(List<String> scopesSupported) {
            this.scopesSupported = scopesSupported;
        }

        /** @return the protected paths */
        public List<String> getPaths() {
            return paths;
        }

        /** @param paths the protected paths */
        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        /** @return the tool scopes */
        public Map<String, List<String>> getToolScopes() {
            return toolScopes;
        }

        /** @param toolScopes the tool scopes */
        public void setToolScopes(Map<String, List<String>> toolScopes) {
            this.toolScopes = toolScopes;
        }

        /** @return the method scopes */
        public Map<String, List<String>> getMethodScopes() {
            return methodScopes;
        }

        /** @param methodScopes the method scopes */
        public void setMethodScopes(Map<String, List<String>> methodScopes) {
            this.methodScopes = methodScopes;
        }

        /** @return the allowed origins */
        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        /** @param allowedOrigins the allowed origins */
        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }

        /** @return the allowed hosts */
        public List<String> getAllowedHosts() {
            return allowedHosts;
        }

        /** @param allowedHosts the allowed hosts */
        public void setAllowedHosts(List<String> allowedHosts) {
            this.allowedHosts = allowedHosts;
        }

        /** @return the body size limit, or null for the default */
        public Integer getMaxRequestBodySize() {
            return maxRequestBodySize;
        }

        /** @param maxRequestBodySize the body size limit */
        public void setMaxRequestBodySize(Integer maxRequestBodySize) {
            this.maxRequestBodySize = maxRequestBodySize;
        }

        /** @return the filter order */
        public int getFilterOrder() {
            return filterOrder;
        }

        /** @param filterOrder the filter order */
        public void setFilterOrder(int filterOrder) {
            this.filterOrder = filterOrder;
        }
    }

    /** {@code baton.token-exchange.*}: the RFC 8693 token exchange with the backends' authorization server. */
    public static class TokenExchange {
        /** The token endpoint URL; or set issuer to discover it. */
        private String tokenEndpoint;

        /** The authorization server whose metadata names the token endpoint (RFC 8414). */
        private String issuer;

        /** The client that performs the exchange. */
        private String clientId;

        /** The client's secret, for client_secret_basic and client_secret_post. Never logged. */
        private String clientSecret;

        /** How the client authenticates: client_secret_basic (default with a secret), client_secret_post, private_key_jwt or none. */
        private String clientAuthentication;

        /** The PKCS#8 PEM private key for private_key_jwt (RFC 7523): its text or a location such as file:/etc/baton/key.pem. Never logged. */
        private String privateKey;

        /** The "kid" of the private_key_jwt signing key. */
        private String privateKeyId;

        /** The JWS algorithm of the private_key_jwt assertion, such as RS256 or ES256. */
        private String privateKeyAlgorithm;

        /** The total time one exchange may take, retries included. */
        private Duration deadline;

        /** Bind exchanged tokens to a DPoP key (RFC 9449) generated at start-up, as authorization servers that require DPoP ask. */
        private boolean dpop;

        /**
         * With dpop: the DPoP key pair instead of one generated at start-up, as a private JWK (EC
         * P-256, or RSA) in JSON or a location such as file:/etc/baton/dpop.jwk. Replicas sharing a
         * cache (shared-cache.redis) share DPoP-bound tokens only when they hold the same key. Never logged.
         */
        private String dpopKey;

        /** The most attempts one exchange makes (connection errors, 5xx and 429 only). */
        private Integer maxAttempts;

        /** Whether exchanged tokens are cached per user (and single-flight). */
        private boolean cache = true;

        /** The most exchanged tokens kept in the cache. */
        private Long maximumCacheSize;

        /** How long before expiry a cached token is no longer used. */
        private Duration cacheSkew;

        /** @return the token endpoint */
        public String getTokenEndpoint() {
            return tokenEndpoint;
        }

        /** @param tokenEndpoint the token endpoint */
        public void setTokenEndpoint(String tokenEndpoint) {
            this.tokenEndpoint = tokenEndpoint;
        }

        /** @return the issuer */
        public String getIssuer() {
            return issuer;
        }

        /** @param issuer the issuer */
        public void setIssuer(String issuer) {
            this.issuer = issuer;
        }

        /** @return the client id */
        public String getClientId() {
            return clientId;
        }

        /** @param clientId the client id */
        public void setClientId(String clientId) {
            this.clientId = clientId;
        }

        /** @return the client secret */
        public String getClientSecret() {
            return clientSecret;
        }

        /** @param clientSecret the client secret */
        public void setClientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
        }

        /** @return the client authentication method */
        public String getClientAuthentication() {
            return clientAuthentication;
        }

        /** @param clientAuthentication the client authentication method */
        public void setClientAuthentication(String clientAuthentication) {
            this.clientAuthentication = clientAuthentication;
        }

        /** @return the private key (PEM text or location) */
        public String getPrivateKey() {
            return privateKey;
        }

        /** @param privateKey the private key (PEM text or location) */
        public void setPrivateKey(String privateKey) {
            this.privateKey = privateKey;
        }

        /** @return the private key id */
        public String getPrivateKeyId() {
            return privateKeyId;
        }

        /** @param privateKeyId the private key id */
        public void setPrivateKeyId(String privateKeyId) {
            this.privateKeyId = privateKeyId;
        }

        /** @return the private key algorithm */
        public String getPrivateKeyAlgorithm() {
            return privateKeyAlgorithm;
        }

        /** @param privateKeyAlgorithm the private key algorithm */
        public void setPrivateKeyAlgorithm(String privateKeyAlgorithm) {
            this.privateKeyAlgorithm = privateKeyAlgorithm;
        }

        /** @return whether exchanged tokens are DPoP-bound */
        public boolean isDpop() {
            return dpop;
        }

        /** @param dpop whether exchanged tokens are DPoP-bound */
        public void setDpop(boolean dpop) {
            this.dpop = dpop;
        }

        /** @return the DPoP key pair (a private JWK or its location), or {@code null} for a generated one */
        public String getDpopKey() {
            return dpopKey;
        }

        /** @param dpopKey the DPoP key pair (a private JWK or its location) */
        public void setDpopKey(String dpopKey) {
            this.dpopKey = dpopKey;
        }

        /** @return the deadline */
        public Duration getDeadline() {
            return deadline;
        }

        /** @param deadline the deadline */
        public void setDeadline(Duration deadline) {
            this.deadline = deadline;
        }

        /** @return the most attempts */
        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        /** @param maxAttempts the most attempts */
        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        /** @return whether exchanged tokens are cached */
        public boolean isCache() {
            return cache;
        }

        /** @param cache whether exchanged tokens are cached */
        public void setCache(boolean cache) {
            this.cache = cache;
        }

        /** @return the cache bound */
        public Long getMaximumCacheSize() {
            return maximumCacheSize;
        }

        /** @param maximumCacheSize the cache bound */
        public void setMaximumCacheSize(Long maximumCacheSize) {
            this.maximumCacheSize = maximumCacheSize;
        }

        /** @return the cache skew */
        public Duration getCacheSkew() {
            return cacheSkew;
        }

        /** @param cacheSkew the cache skew */
        public void setCacheSkew(Duration cacheSkew) {
            this.cacheSkew = cacheSkew;
        }
    }

    /** {@code baton.routes[n].*}: one backend that gets an exchanged token. */
    public static class Route {
        /** Scheme, host, optional port and path prefix, such as https://api.example.com/graphql; no user info, query or fragment. */
        private String url;

        /** What users know the backend as, in tool error messages; "backend" when not set. */
        private String name;

        /** The audience values of the exchange (RFC 8693 section 2.1), such as "backend". */
        private List<String> audience = new ArrayList<>();

        /** The resource values of the exchange (RFC 8707 section 2): absolute URIs. */
        private List<String> resource = new ArrayList<>();

        /** The scopes to ask for (RFC 6749 section 3.3); the narrowest the backend needs. */
        private List<String> scopes = new ArrayList<>();

        /** @return the URL prefix */
        public String getUrl() {
            return url;
        }

        /** @param url the URL prefix */
        public void setUrl(String url) {
            this.url = url;
        }

        /** @return the backend's name */
        public String getName() {
            return name;
        }

        /** @param name the backend's name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return the audiences */
        public List<String> getAudience() {
            return audience;
        }

        /** @param audience the audiences */
        public void setAudience(List<String> audience) {
            this.audience = audience;
        }

        /** @return the resources */
        public List<String> getResource() {
            return resource;
        }

        /** @param resource the resources */
        public void setResource(List<String> resource) {
            this.resource = resource;
        }

        /** @return the scopes */
        public List<String> getScopes() {
            return scopes;
        }

        /** @param scopes the scopes */
        public void setScopes(List<String> scopes) {
            this.scopes = scopes;
        }

    }
}
