package dev.baton.examples.countries;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The countries MCP server's settings, one environment variable each, named after ToolHive's flags
 * where ToolHive has one ({@code --oidc-issuer} → {@code OIDC_ISSUER}, ...). Unset variables keep the
 * defaults given to {@link #fromEnvironment}; the demo's defaults are its embedded authorization
 * server and Node backend.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>ToolHive flag</th><th>meaning</th></tr>
 *   <tr><td>{@code OIDC_ISSUER}</td><td>{@code --oidc-issuer}</td><td>issuer of the tokens the MCP server accepts</td></tr>
 *   <tr><td>{@code OIDC_AUDIENCE}</td><td>{@code --oidc-audience}</td><td>audience they must carry</td></tr>
 *   <tr><td>{@code OIDC_JWKS_URL}</td><td>{@code --oidc-jwks-url}</td><td>JWKS URL, instead of discovery</td></tr>
 *   <tr><td>{@code REQUIRED_SCOPES}</td><td>(none)</td><td>scopes every token must carry, comma-separated;
 *       never an OpenID Connect scope ({@code openid}, {@code profile}, {@code email},
 *       {@code offline_access}); {@code OIDC_SCOPES} is read as an alias</td></tr>
 *   <tr><td>{@code SCOPES_SUPPORTED}</td><td>{@code --oidc-scopes}</td><td>scopes advertised in the RFC 9728
 *       metadata besides the required ones (ToolHive's flag only advertises); never {@code offline_access}</td></tr>
 *   <tr><td>{@code RESOURCE_URL}</td><td>{@code --resource-url}</td><td>the RFC 9728 resource identifier of the MCP endpoint</td></tr>
 *   <tr><td>{@code TOKEN_EXCHANGE_URL}</td><td>{@code --token-exchange-url}</td><td>token endpoint of the backend's authorization server</td></tr>
 *   <tr><td>{@code TOKEN_EXCHANGE_CLIENT_ID}</td><td>{@code --token-exchange-client-id}</td><td>client that performs the exchange</td></tr>
 *   <tr><td>{@code TOKEN_EXCHANGE_CLIENT_SECRET}</td><td>{@code --token-exchange-client-secret}</td><td>its secret</td></tr>
 *   <tr><td>{@code TOKEN_EXCHANGE_CLIENT_SECRET_FILE}</td><td>{@code --token-exchange-client-secret-file}</td><td>a file holding the secret</td></tr>
 *   <tr><td>{@code TOKEN_EXCHANGE_AUDIENCE}</td><td>{@code --token-exchange-audience}</td><td>audience of the exchanged token</td></tr>
 *   <tr><td>{@code TOKEN_EXCHANGE_SCOPES}</td><td>{@code --token-exchange-scopes}</td><td>scopes of the exchanged token, comma-separated</td></tr>
 *   <tr><td>{@code BACKEND_GRAPHQL_URL}</td><td>(none)</td><td>the GraphQL endpoint of the countries API</td></tr>
 *   <tr><td>{@code HOST}, {@code PORT}</td><td>{@code --host}, {@code --port} of {@code thv proxy}</td><td>where the MCP server listens (0: any free port)</td></tr>
 *   <tr><td>{@code REDIS_URL}</td><td>(none)</td><td>a Redis or Valkey shared by a fleet of these servers
 *       (baton-redis, docs/fleet.md): exchanged tokens cached there too, encrypted; unset: no shared cache</td></tr>
 *   <tr><td>{@code REDIS_SECRET}</td><td>(none)</td><td>the fleet's deployment secret for it, base64 of 32 or
 *       more random bytes, the same on every replica; required with {@code REDIS_URL}</td></tr>
 *   <tr><td>{@code DPOP_KEY_FILE}</td><td>(none)</td><td>a file holding the fleet's DPoP key, a private EC P-256
 *       JWK, the same on every replica (tokens are bound to it, so replicas share only tokens bound to the
 *       key they hold); required with {@code REDIS_URL}; unset: a key of this server's own</td></tr>
 *   <tr><td>{@code TOKEN_EXCHANGE_DPOP}</td><td>(none)</td><td>{@code true} (the default): exchanged tokens
 *       are DPoP-bound (RFC 9449) and every backend call carries a proof; {@code false}: plain Bearer tokens,
 *       for an authorization server that does not issue DPoP-bound ones (the demo's requires DPoP)</td></tr>
 * </table>
 *
 * @param issuer issuer of incoming tokens
 * @param audience audience incoming tokens must carry
 * @param jwksUrl JWKS URL, or {@code null} to discover it from the issuer
 * @param requiredScopes scopes incoming tokens must carry
 * @param advertisedScopes scopes {@code SCOPES_SUPPORTED} adds to the metadata's {@code scopes_supported}
 *     besides the required ones ({@link #scopesSupported()}), possibly none
 * @param resourceUrl RFC 9728 resource identifier, or {@code null} for {@code http://HOST:PORT/mcp}
 * @param tokenExchangeUrl the backend authorization server's token endpoint
 * @param clientId the exchanging client's id
 * @param clientSecret the exchanging client's secret
 * @param exchangeAudience audience of exchanged tokens
 * @param exchangeScopes scopes of exchanged tokens
 * @param graphqlUrl the backend's GraphQL endpoint
 * @param host listening address
 * @param port listening port, 0 for any free one
 * @param redisUrl the fleet's shared Redis, or {@code null} for none
 * @param redisSecret the deployment secret of the shared cache (base64), or {@code null} without Redis
 * @param dpopKeyFile the file of the fleet's DPoP key (a private EC P-256 JWK), or {@code null} for a
 *     key generated at start
 * @param dpop whether exchanged tokens are DPoP-bound (RFC 9449); {@code false} exchanges for Bearer tokens
 */
public record CountriesServerConfig(
        String issuer,
        String audience,
        String jwksUrl,
        List<String> requiredScopes,
        List<String> advertisedScopes,
        String resourceUrl,
        String tokenExchangeUrl,
        String clientId,
        String clientSecret,
        String exchangeAudience,
        List<String> exchangeScopes,
        String graphqlUrl,
        String host,
        int port,
        String redisUrl,
        String redisSecret,
        String dpopKeyFile,
        boolean dpop) {

    /**
     * The OpenID Connect scopes (Core §5.4 and §11): they say what a client asked the authorization
     * server for (an ID token, claims, a refresh token), not what it may do at this server, and a
     * token carries them only when the client asked for them.
     */
    public static final List<String> OPENID_CONNECT_SCOPES = List.of("openid", "profile", "email", "offline_access");

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a required setting is missing or a scope rule is broken
     */
    public CountriesServerConfig {
        requireSet(issuer, "OIDC_ISSUER");
        requireSet(audience, "OIDC_AUDIENCE");
        requiredScopes = List.copyOf(requiredScopes);
        for (String scope : requiredScopes) {
            if (OPENID_CONNECT_SCOPES.contains(scope)) {
                throw new IllegalArgumentException("REQUIRED_SCOPES lists " + scope + ", an OpenID Connect scope: a "
                        + "token carries it only when the client asked for it, so every call from a client that "
                        + "asked for the advertised scopes alone would get 403. (ToolHive's --oidc-scopes only "
                        + "advertises scopes; to advertise " + scope + ", set SCOPES_SUPPORTED.)");
            }
        }
        // MCP authorization 2026-07-28, "Refresh Tokens": servers SHOULD NOT advertise offline_access
        // (refresh tokens are the client's business, not a requirement of the resource).
        advertisedScopes = List.copyOf(advertisedScopes);
        if (advertisedScopes.contains("offline_access")) {
            throw new IllegalArgumentException("SCOPES_SUPPORTED lists offline_access: an MCP server does not "
                    + "advertise it (clients add it themselves when the authorization server supports it)");
        }
        requireSet(tokenExchangeUrl, "TOKEN_EXCHANGE_URL");
        requireSet(clientId, "TOKEN_EXCHANGE_CLIENT_ID");
        requireSet(clientSecret, "TOKEN_EXCHANGE_CLIENT_SECRET or TOKEN_EXCHANGE_CLIENT_SECRET_FILE");
        requireSet(exchangeAudience, "TOKEN_EXCHANGE_AUDIENCE");
        exchangeScopes = List.copyOf(exchangeScopes);
        requireSet(graphqlUrl, "BACKEND_GRAPHQL_URL");
        requireSet(host, "HOST");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PORT must be between 0 and 65535: " + port);
        }
        if (!dpop && dpopKeyFile != null) {
            throw new IllegalArgumentException("DPOP_KEY_FILE is set but TOKEN_EXCHANGE_DPOP is false: the key "
                    + "would never be used");
        }
        if (redisUrl != null) {
            requireSet(redisSecret, "REDIS_SECRET (required with REDIS_URL)");
        }
        if (redisUrl != null && dpop) {
            // Tokens are DPoP-bound: only servers holding the same key can use each other's.
            requireSet(dpopKeyFile, "DPOP_KEY_FILE (required with REDIS_URL: replicas share only tokens bound to "
                    + "the DPoP key they hold)");
        }
    }

    /**
     * Defaults for everything that has a sensible one: {@code aud=mcpserver} and
     * {@code mcp:tools:call} in, {@code aud=backend} and {@code backend-api:read} out, 127.0.0.1
     * and any free port, DPoP-bound exchanged tokens. The issuer, token endpoint, client and GraphQL
     * URL are the caller's.
     */
    public static CountriesServerConfig defaults(String issuer, String tokenExchangeUrl, String clientId,
            String clientSecret, String graphqlUrl) {
        return new CountriesServerConfig(issuer, "mcpserver", null, List.of("mcp:tools:call"), List.of(), null,
                tokenExchangeUrl, clientId, clientSecret, "backend", List.of("backend-api:read"), graphqlUrl,
                "127.0.0.1", 0, null, null, null, true);
    }

    /**
     * What the RFC 9728 metadata's {@code scopes_supported} lists: the required scopes, then the
     * others of {@code SCOPES_SUPPORTED}, each once.
     */
    public List<String> scopesSupported() {
        Set<String> all = new LinkedHashSet<>(requiredScopes);
        all.addAll(advertisedScopes);
        return List.copyOf(all);
    }

    /**
     * These settings overridden by the environment variables that are set (and not blank).
     *
     * @throws IllegalArgumentException if a value is invalid or the secret file cannot be read
     */
    public CountriesServerConfig withEnvironment(Map<String, String> env) {
        String secret = clientSecret;
        String secretFile = value(env, "TOKEN_EXCHANGE_CLIENT_SECRET_FILE", null);
        String secretValue = value(env, "TOKEN_EXCHANGE_CLIENT_SECRET", null);
        if (secretValue != null && secretFile != null) {
            throw new IllegalArgumentException(
                    "set TOKEN_EXCHANGE_CLIENT_SECRET or TOKEN_EXCHANGE_CLIENT_SECRET_FILE, not both");
        }
        if (secretValue != null) {
            secret = secretValue;
        } else if (secretFile != null) {
            secret = readSecret(Path.of(secretFile));
        }
        String portValue = value(env, "PORT", Integer.toString(port));
        int parsedPort;
        try {
            parsedPort = Integer.parseInt(portValue);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT is not a number: " + portValue);
        }
        if (setting(env, "REQUIRED_SCOPES").isPresent() && setting(env, "OIDC_SCOPES").isPresent()) {
            throw new IllegalArgumentException("set REQUIRED_SCOPES or its alias OIDC_SCOPES, not both");
        }
        List<String> required = list(env, "REQUIRED_SCOPES", list(env, "OIDC_SCOPES", requiredScopes));
        return new CountriesServerConfig(
                value(env, "OIDC_ISSUER", issuer),
                value(env, "OIDC_AUDIENCE", audience),
                value(env, "OIDC_JWKS_URL", jwksUrl),
                required,
                list(env, "SCOPES_SUPPORTED", advertisedScopes),
                value(env, "RESOURCE_URL", resourceUrl),
                value(env, "TOKEN_EXCHANGE_URL", tokenExchangeUrl),
                value(env, "TOKEN_EXCHANGE_CLIENT_ID", clientId),
                secret,
                value(env, "TOKEN_EXCHANGE_AUDIENCE", exchangeAudience),
                list(env, "TOKEN_EXCHANGE_SCOPES", exchangeScopes),
                value(env, "BACKEND_GRAPHQL_URL", graphqlUrl),
                value(env, "HOST", host),
                parsedPort,
                value(env, "REDIS_URL", redisUrl),
                value(env, "REDIS_SECRET", redisSecret),
                value(env, "DPOP_KEY_FILE", dpopKeyFile),
                bool(env, "TOKEN_EXCHANGE_DPOP", dpop));
    }

    /** The same settings with another GraphQL endpoint. */
    public CountriesServerConfig withGraphqlUrl(String url) {
        return new CountriesServerConfig(issuer, audience, jwksUrl, requiredScopes, advertisedScopes, resourceUrl,
                tokenExchangeUrl, clientId, clientSecret, exchangeAudience, exchangeScopes, url, host, port, redisUrl,
                redisSecret, dpopKeyFile, dpop);
    }

    /** The same settings with another exchanging client secret. */
    public CountriesServerConfig withClientSecret(String secret) {
        return new CountriesServerConfig(issuer, audience, jwksUrl, requiredScopes, advertisedScopes, resourceUrl,
                tokenExchangeUrl, clientId, secret, exchangeAudience, exchangeScopes, graphqlUrl, host, port, redisUrl,
                redisSecret, dpopKeyFile, dpop);
    }

    /** The settings for printing: the secret is never shown. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("OIDC_ISSUER", issuer);
        out.put("OIDC_AUDIENCE", audience);
        out.put("OIDC_JWKS_URL", jwksUrl == null ? "(discovered)" : jwksUrl);
        out.put("REQUIRED_SCOPES", String.join(",", requiredScopes));
        out.put("SCOPES_SUPPORTED", String.join(",", advertisedScopes));
        out.put("RESOURCE_URL", resourceUrl == null ? "(http://HOST:PORT/mcp)" : resourceUrl);
        out.put("TOKEN_EXCHANGE_URL", tokenExchangeUrl);
        out.put("TOKEN_EXCHANGE_CLIENT_ID", clientId);
        out.put("TOKEN_EXCHANGE_CLIENT_SECRET", "(set, not shown)");
        out.put("TOKEN_EXCHANGE_AUDIENCE", exchangeAudience);
        out.put("TOKEN_EXCHANGE_SCOPES", String.join(",", exchangeScopes));
        out.put("BACKEND_GRAPHQL_URL", graphqlUrl);
        out.put("HOST", host);
        out.put("PORT", Integer.toString(port));
        // The URL may hold an ACL password: never printed.
        out.put("REDIS_URL", redisUrl == null ? "(none: no shared cache)" : "(set, not shown)");
        if (redisUrl != null) {
            out.put("REDIS_SECRET", "(set, not shown)");
        }
        out.put("TOKEN_EXCHANGE_DPOP", Boolean.toString(dpop));
        if (dpop) {
            out.put("DPOP_KEY_FILE", dpopKeyFile == null ? "(a key of this server's own)" : dpopKeyFile);
        }
        return out;
    }

    @Override
    public String toString() {
        return "CountriesServerConfig" + describe();
    }

    /**
     * The value of environment variable {@code name}, stripped; empty when it is unset or blank (the
     * one rule for every variable of the example, {@code BACKEND_ISSUER} included).
     */
    public static Optional<String> setting(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        return setting(env, name).orElse(fallback);
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String v = value(env, name, null);
        if (v == null) {
            return fallback;
        }
        if (!"true".equalsIgnoreCase(v) && !"false".equalsIgnoreCase(v)) {
            throw new IllegalArgumentException(name + " must be true or false: " + v);
        }
        return Boolean.parseBoolean(v);
    }

    private static List<String> list(Map<String, String> env, String name, List<String> fallback) {
        String v = value(env, name, null);
        if (v == null) {
            return fallback;
        }
        return Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    private static String readSecret(Path file) {
        try {
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("TOKEN_EXCHANGE_CLIENT_SECRET_FILE is empty: " + file);
            }
            return secret;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read TOKEN_EXCHANGE_CLIENT_SECRET_FILE " + file, e);
        }
    }

    private static void requireSet(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set");
        }
        Objects.requireNonNull(value);
    }
}
