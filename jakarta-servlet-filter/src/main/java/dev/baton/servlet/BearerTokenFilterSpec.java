package dev.baton.servlet;

import dev.baton.TokenValidator;
import dev.baton.internal.TokenSyntax;
import dev.baton.servlet.internal.ResourceMetadata;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The {@code web.xml} configuration of a {@link BearerTokenFilter} or a
 * {@link ProtectedResourceMetadataServlet}: reads the init parameters listed in the package
 * documentation and turns them into calls of {@link TokenValidator.Builder} and
 * {@link BearerTokenFilter.Builder}, as Caffeine's {@code CaffeineSpec} does for its builder.
 *
 * <p>Reading checks only the syntax (known names, numbers, {@code path-scopes} rules); the builders
 * check the values, so {@code web.xml} and code accept exactly the same configurations. Unknown
 * names are refused, so a misspelt parameter cannot leave a check switched off. Each failure is a
 * {@link ServletException} naming the component and the parameter, so the application does not
 * start unprotected. Lists are separated by commas or white space.
 */
final class BearerTokenFilterSpec {
    /** Every parameter name understood, by the filter and by the metadata servlet alike. */
    static final Set<String> NAMES = Collections.unmodifiableSet(new TreeSet<>(List.of(
            "issuer", "audience", "required-scopes", "jwks-uri", "allowed-algorithms", "clock-skew-seconds",
            "resource", "authorization-servers", "scopes-supported", "resource-name", "resource-documentation",
            "path-scopes", "open-paths", "max-token-length", "cors-allowed-origins", "dpop", "external-base-url",
            "dpop-algorithms", "dpop-proof-max-age-seconds", "dpop-nonce")));

    private final String component;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Integer clockSkewSeconds;
    private final Integer maxTokenLength;
    private final Integer dpopProofMaxAgeSeconds;
    private final DPoPPolicy dpopPolicy;
    private final boolean dpopNonce;
    private final Map<String, List<String>> pathScopes;

    private BearerTokenFilterSpec(String component, Enumeration<String> names, UnaryOperator<String> parameters) {
        this.component = component;
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown init parameter '" + name + "'; known: " + NAMES);
            }
            String value = parameters.apply(name);
            if (value != null && !value.isBlank()) {
                values.put(name, value.strip());
            }
        }
        this.clockSkewSeconds = number("clock-skew-seconds");
        this.pathScopes = pathScopes(values.get("path-scopes"));
        this.maxTokenLength = number("max-token-length");
        this.dpopProofMaxAgeSeconds = number("dpop-proof-max-age-seconds");
        this.dpopPolicy = policy(values.get("dpop"));
        this.dpopNonce = bool("dpop-nonce");
    }

    /** The configuration of a filter declared in {@code web.xml}. */
    static BearerTokenFilterSpec of(FilterConfig config) throws ServletException {
        return read("BearerTokenFilter '" + config.getFilterName() + "'", config.getInitParameterNames(),
                config::getInitParameter);
    }

    /** The configuration of a metadata servlet declared in {@code web.xml}. */
    static BearerTokenFilterSpec of(ServletConfig config) throws ServletException {
        return read("ProtectedResourceMetadataServlet '" + config.getServletName() + "'",
                config.getInitParameterNames(), config::getInitParameter);
    }

    private static BearerTokenFilterSpec read(String component, Enumeration<String> names,
            UnaryOperator<String> parameters) throws ServletException {
        return configured(component, () -> new BearerTokenFilterSpec(component, names, parameters));
    }

    /**
     * The validator: {@code issuer} and {@code audience} (required), {@code required-scopes},
     * {@code jwks-uri}, {@code allowed-algorithms}, {@code clock-skew-seconds}, {@code max-token-length},
     * {@code dpop-algorithms}, {@code dpop-proof-max-age-seconds}, {@code dpop-nonce}.
     *
     * @param build builds the configured {@link TokenValidator.Builder}
     */
    TokenValidator validator(Function<TokenValidator.Builder, TokenValidator> build) throws ServletException {
        return configured(component, () -> {
            TokenValidator.Builder b = TokenValidator.builder()
                    .issuer(required("issuer"))
                    .audience(required("audience"));
            if (values.containsKey("required-scopes")) {
                b.requiredScopes(list("required-scopes").toArray(String[]::new));
            }
            if (values.containsKey("jwks-uri")) {
                b.jwksUri(values.get("jwks-uri"));
            }
            if (values.containsKey("allowed-algorithms")) {
                b.allowedAlgorithms(list("allowed-algorithms").toArray(String[]::new));
            }
            if (clockSkewSeconds != null) {
                b.clockSkew(Duration.ofSeconds(clockSkewSeconds));
            }
            if (maxTokenLength != null) {
                b.maxTokenLength(maxTokenLength);
            }
            if (values.containsKey("dpop-algorithms")) {
                b.dpopAlgorithms(list("dpop-algorithms").toArray(String[]::new));
            }
            if (dpopProofMaxAgeSeconds != null) {
                b.dpopProofMaxAge(Duration.ofSeconds(dpopProofMaxAgeSeconds));
            }
            if (dpopNonce) {
                b.requireDPoPNonce();
            }
            return build.apply(b);
        });
    }

    /**
     * The filter accepting the tokens {@code validator} accepts, configured by the other parameters;
     * {@code validator} is closed when the configuration fails.
     */
    BearerTokenFilter filter(TokenValidator validator) throws ServletException {
        try {
            return configured(component, () -> apply(BearerTokenFilter.builder(validator)).build());
        } catch (ServletException e) {
            validator.close();
            throw e;
        }
    }

    /** The metadata document the filter with these parameters serves, built without a validator. */
    ResourceMetadata metadata() throws ServletException {
        return configured(component, () -> apply(BearerTokenFilter.Builder.forMetadata(
                TokenSyntax.requireScopeTokens(list("required-scopes")), dpopAlgorithms())).metadata());
    }

    /**
     * {@code resource} (required), {@code authorization-servers} (default: {@code issuer}),
     * {@code scopes-supported}, {@code resource-name}, {@code resource-documentation},
     * {@code path-scopes}, {@code open-paths}, {@code max-token-length}, {@code cors-allowed-origins},
     * {@code dpop}, {@code external-base-url}.
     */
    private BearerTokenFilter.Builder apply(BearerTokenFilter.Builder b) {
        b.resource(required("resource"));
        List<String> servers = list("authorization-servers");
        b.authorizationServers(servers.isEmpty() ? new String[] {required("issuer")} : servers.toArray(String[]::new));
        if (values.containsKey("scopes-supported")) {
            b.scopesSupported(list("scopes-supported").toArray(String[]::new));
        }
        if (values.containsKey("resource-name")) {
            b.resourceName(values.get("resource-name"));
        }
        if (values.containsKey("resource-documentation")) {
            b.resourceDocumentation(values.get("resource-documentation"));
        }
        pathScopes.forEach((pattern, scopes) -> b.requireScopes(pattern, scopes.toArray(String[]::new)));
        b.openPaths(list("open-paths").toArray(String[]::new));
        if (maxTokenLength != null) {
            b.maxTokenLength(maxTokenLength);
        }
        b.corsAllowedOrigins(list("cors-allowed-origins").toArray(String[]::new));
        b.dpop(dpopPolicy);
        if (values.containsKey("external-base-url")) {
            b.externalBaseUrl(values.get("external-base-url"));
        }
        return b;
    }

    /**
     * Runs one configuration step, turning the builders' exceptions into the
     * {@link ServletException} that stops the application, prefixed with {@code component}.
     */
    private static <T> T configured(String component, Supplier<T> step) throws ServletException {
        try {
            return step.get();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new ServletException(component + ": " + e.getMessage(), e);
        }
    }

    /** {@code /mcp/*=mcp:tools:call; /admin/*=admin read}: rules separated by semicolons, in order. */
    private static Map<String, List<String>> pathScopes(String value) {
        Map<String, List<String>> rules = new LinkedHashMap<>();
        for (String rule : value == null ? new String[0] : value.split(";")) {
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

    private String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("init parameter '" + name + "' is required");
        }
        return value;
    }

    private List<String> list(String name) {
        String value = values.get(name);
        return value == null ? List.of() : split(value);
    }

    private static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@code dpop-algorithms}, checked by the validator builder as the filter's validator would
     * check them, or the validator's default.
     */
    private List<String> dpopAlgorithms() {
        if (!values.containsKey("dpop-algorithms")) {
            return TokenValidator.Builder.DEFAULT_DPOP_ALGORITHMS;
        }
        String[] names = list("dpop-algorithms").stream().distinct().toArray(String[]::new);
        TokenValidator.builder().dpopAlgorithms(names);
        return List.of(names);
    }

    /** {@code dpop}: {@code bearer-only} (the default), {@code accepted} or {@code required}. */
    private static DPoPPolicy policy(String value) {
        if (value == null) {
            return DPoPPolicy.BEARER_ONLY;
        }
        return switch (value) {
            case "bearer-only" -> DPoPPolicy.BEARER_ONLY;
            case "accepted" -> DPoPPolicy.ACCEPTED;
            case "required" -> DPoPPolicy.REQUIRED;
            default -> throw new IllegalArgumentException("init parameter 'dpop' must be bearer-only, accepted or "
                    + "required, not '" + value + "'");
        };
    }

    private boolean bool(String name) {
        String value = values.get(name);
        if (value == null || "false".equals(value)) {
            return false;
        }
        if ("true".equals(value)) {
            return true;
        }
        throw new IllegalArgumentException("init parameter '" + name + "' must be true or false, not '" + value + "'");
    }

    private Integer number(String name) {
        String value = values.get(name);
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("init parameter '" + name + "' is not a number: '" + value + "'", e);
        }
    }
}
