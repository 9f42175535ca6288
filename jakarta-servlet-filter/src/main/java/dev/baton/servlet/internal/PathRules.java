package dev.baton.servlet.internal;

import dev.baton.internal.Checks;
import dev.baton.internal.TokenSyntax;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a request path needs: nothing (an open path), or a token with the validator's scopes plus
 * those of every {@link PathPattern} rule matching the path. Immutable. Not API.
 */
public final class PathRules {
    private final List<PathPattern> openPaths;
    private final Map<PathPattern, Set<String>> scopeRules;
    private final Set<String> validatorScopes;
    /** What a path no scope rule matches needs: built once, as most requests ask for it. */
    private final Scopes validatorOnly;

    private PathRules(List<PathPattern> openPaths, Map<PathPattern, Set<String>> scopeRules,
            Set<String> validatorScopes) {
        this.openPaths = openPaths;
        this.scopeRules = scopeRules;
        this.validatorScopes = validatorScopes;
        this.validatorOnly = new Scopes(Set.of(), validatorScopes);
    }

    /** Starts collecting rules. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The path the rules match: servlet path plus path info, decoded and normalised by the
     * container (Servlet 6.1 §3.5), without the context path; {@code /} when both are empty.
     */
    public static String pathOf(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    /** Whether {@code path} needs no token. */
    public boolean isOpen(String path) {
        for (PathPattern open : openPaths) {
            if (open.matches(path)) {
                return true;
            }
        }
        return false;
    }

    /** The scopes a request to {@code path} needs, in the order they were configured. */
    public Scopes scopesFor(String path) {
        // Runs for every request: no set is built unless a rule matches.
        Set<String> pathScopes = null;
        for (Map.Entry<PathPattern, Set<String>> rule : scopeRules.entrySet()) {
            if (rule.getKey().matches(path)) {
                if (pathScopes == null) {
                    pathScopes = new LinkedHashSet<>();
                }
                pathScopes.addAll(rule.getValue());
            }
        }
        if (pathScopes == null) {
            return validatorOnly;
        }
        Set<String> advertised = new LinkedHashSet<>(validatorScopes);
        advertised.addAll(pathScopes);
        return new Scopes(pathScopes, advertised);
    }

    /**
     * The scopes of one request.
     *
     * @param pathRequired what the path rules require on top of the validator; checked by the filter
     * @param advertised the validator's scopes followed by the path's, named in challenges
     */
    public record Scopes(Set<String> pathRequired, Set<String> advertised) {
    }

    /** Collects rules in the order they are given; later rules add to earlier ones. Not thread-safe. */
    public static final class Builder {
        private final List<PathPattern> openPaths = new ArrayList<>();
        private final Map<PathPattern, Set<String>> scopeRules = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds an open path.
         *
         * @throws IllegalArgumentException for an invalid pattern
         */
        public void open(String pathPattern) {
            openPaths.add(PathPattern.parse(pathPattern));
        }

        /**
         * Adds {@code scopes} to the rule for {@code pathPattern}.
         *
         * @throws IllegalArgumentException for an invalid pattern, no scopes, or a value that is
         *     not an RFC 6749 §3.3 scope token
         */
        public void requireScopes(String pathPattern, String... scopes) {
            PathPattern pattern = PathPattern.parse(pathPattern);
            Set<String> tokens = TokenSyntax.requireScopeTokens(Arrays.asList(scopes));
            Checks.requireArgument(!tokens.isEmpty(), "no scopes given for " + pathPattern);
            scopeRules.computeIfAbsent(pattern, p -> new LinkedHashSet<>()).addAll(tokens);
        }

        /** {@code validatorScopes} followed by every scope of the rules, in order: the default {@code scopes_supported}. */
        public List<String> allScopes(Set<String> validatorScopes) {
            Set<String> all = new LinkedHashSet<>(validatorScopes);
            scopeRules.values().forEach(all::addAll);
            return List.copyOf(all);
        }

        /** The rules collected so far, for a validator that requires {@code validatorScopes}. */
        public PathRules build(Set<String> validatorScopes) {
            Map<PathPattern, Set<String>> rules = new LinkedHashMap<>();
            // Insertion-ordered copies: the challenge lists scopes in the order they were configured.
            scopeRules.forEach((p, s) -> rules.put(p, Collections.unmodifiableSet(new LinkedHashSet<>(s))));
            return new PathRules(List.copyOf(openPaths), Collections.unmodifiableMap(rules),
                    Collections.unmodifiableSet(new LinkedHashSet<>(validatorScopes)));
        }
    }
}
