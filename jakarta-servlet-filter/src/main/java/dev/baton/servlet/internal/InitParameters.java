package dev.baton.servlet.internal;

import jakarta.servlet.FilterConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code BearerTokenFilter} configuration read from {@code web.xml} init parameters (the
 * names are documented on {@code BearerTokenFilter}). Parsing only: values are checked by the
 * builders they are handed to. Unknown names are refused, so a misspelt parameter cannot leave a
 * check switched off. Not API.
 *
 * @param issuer {@code issuer}
 * @param audience {@code audience}
 * @param requiredScopes {@code required-scopes}
 * @param jwksUri {@code jwks-uri}, or {@code null}
 * @param allowedAlgorithms {@code allowed-algorithms}, empty when absent
 * @param clockSkewSeconds {@code clock-skew-seconds}, or {@code null}
 * @param resource {@code resource}
 * @param authorizationServers {@code authorization-servers}, defaulting to the issuer
 * @param scopesSupported {@code scopes-supported}, or {@code null} for the filter's default
 * @param resourceName {@code resource-name}, or {@code null}
 * @param resourceDocumentation {@code resource-documentation}, or {@code null}
 * @param pathScopes {@code path-scopes}: pattern to scopes, in declaration order
 * @param openPaths {@code open-paths}
 * @param maxTokenLength {@code max-token-length}, or {@code null}
 * @param corsAllowedOrigins {@code cors-allowed-origins}
 */
public record InitParameters(
        String issuer,
        String audience,
        List<String> requiredScopes,
        String jwksUri,
        List<String> allowedAlgorithms,
        Long clockSkewSeconds,
        String resource,
        List<String> authorizationServers,
        List<String> scopesSupported,
        String resourceName,
        String resourceDocumentation,
        Map<String, List<String>> pathScopes,
        List<String> openPaths,
        Integer maxTokenLength,
        List<String> corsAllowedOrigins) {

    /** Every parameter name the filter understands. */
    public static final Set<String> NAMES = Collections.unmodifiableSet(new TreeSet<>(List.of(
            "issuer", "audience", "required-scopes", "jwks-uri", "allowed-algorithms", "clock-skew-seconds",
            "resource", "authorization-servers", "scopes-supported", "resource-name", "resource-documentation",
            "path-scopes", "open-paths", "max-token-length", "cors-allowed-origins")));

    /**
     * Reads the parameters of {@code config}.
     *
     * @throws IllegalArgumentException naming the parameter, when one is unknown, a required one
     *     ({@code issuer}, {@code audience}, {@code resource}) is missing, or a number or rule is malformed
     */
    public static InitParameters read(FilterConfig config) {
        Enumeration<String> names = config.getInitParameterNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown init parameter '" + name + "'; known: " + NAMES);
            }
        }
        String issuer = required(config, "issuer");
        List<String> authorizationServers = list(config, "authorization-servers");
        String scopesSupported = value(config, "scopes-supported");
        String maxTokenLength = value(config, "max-token-length");
        String clockSkew = value(config, "clock-skew-seconds");
        return new InitParameters(
                issuer,
                required(config, "audience"),
                list(config, "required-scopes"),
                value(config, "jwks-uri"),
                list(config, "allowed-algorithms"),
                clockSkew == null ? null : (long) number("clock-skew-seconds", clockSkew),
                required(config, "resource"),
                authorizationServers.isEmpty() ? List.of(issuer) : authorizationServers,
                scopesSupported == null ? null : split(scopesSupported),
                value(config, "resource-name"),
                value(config, "resource-documentation"),
                pathScopes(value(config, "path-scopes")),
                list(config, "open-paths"),
                maxTokenLength == null ? null : number("max-token-length", maxTokenLength),
                list(config, "cors-allowed-origins"));
    }

    /** {@code /mcp/*=mcp:tools:call; /admin/*=admin read}: rules separated by semicolons. */
    static Map<String, List<String>> pathScopes(String value) {
        Map<String, List<String>> rules = new LinkedHashMap<>();
        if (value == null) {
            return rules;
        }
        for (String rule : value.split(";")) {
            if (rule.isBlank()) {
                continue;
            }
            int eq = rule.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("init parameter 'path-scopes': rule without '=': '"
                        + rule.strip() + "' (expected pattern=scope scope...)");
            }
            String pattern = rule.substring(0, eq).strip();
            List<String> scopes = split(rule.substring(eq + 1));
            if (pattern.isEmpty() || scopes.isEmpty()) {
                throw new IllegalArgumentException("init parameter 'path-scopes': rule '" + rule.strip()
                        + "' needs a pattern and at least one scope");
            }
            rules.computeIfAbsent(pattern, p -> new ArrayList<>()).addAll(scopes);
        }
        return rules;
    }

    private static String value(FilterConfig config, String name) {
        String v = config.getInitParameter(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String required(FilterConfig config, String name) {
        String v = value(config, name);
        if (v == null) {
            throw new IllegalArgumentException("init parameter '" + name + "' is required");
        }
        return v;
    }

    private static List<String> list(FilterConfig config, String name) {
        String v = value(config, name);
        return v == null ? List.of() : split(v);
    }

    private static List<String> split(String v) {
        List<String> out = new ArrayList<>();
        for (String part : v.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return List.copyOf(out);
    }

    private static int number(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("init parameter '" + name + "' is not a number: '" + v + "'", e);
        }
    }
}
