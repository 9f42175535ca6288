package dev.baton.mcp.internal;

import dev.baton.internal.Checks;
import dev.baton.internal.TokenSyntax;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scopes each MCP operation needs: the validator's (every request), those of the JSON-RPC
 * method, and for {@code tools/call} those of the tool named in {@code params.name}; and the
 * {@code scope} a 403 {@code insufficient_scope} challenge lists. Immutable. Not API.
 *
 * <p>{@code offline_access} is never required and never listed (MCP 2026-07-28 authorization,
 * "Refresh Tokens": refresh tokens are not a resource requirement).
 */
public final class ScopeRules {
    /** The scope that asks for a refresh token (OpenID Connect Core §11); never in a challenge. */
    public static final String OFFLINE_ACCESS = "offline_access";
    static final String TOOLS_CALL = "tools/call";

    private final Set<String> baseScopes;
    private final Map<String, Set<String>> methodScopes;
    private final Map<String, Set<String>> toolScopes;
    private final boolean includeGranted;

    /**
     * @param baseScopes the validator's required scopes, in order
     * @param methodScopes scopes per JSON-RPC method, already checked scope tokens
     * @param toolScopes scopes per tool name, already checked scope tokens
     * @param includeGranted whether a challenge lists the token's granted scopes first (MCP
     *     2025-11-25 "Server Scope Management", recommended approach) or only what the operation
     *     needs (MCP 2026-07-28)
     */
    public ScopeRules(Set<String> baseScopes, Map<String, Set<String>> methodScopes,
            Map<String, Set<String>> toolScopes, boolean includeGranted) {
        this.baseScopes = ordered(baseScopes);
        this.methodScopes = copy(methodScopes);
        this.toolScopes = copy(toolScopes);
        this.includeGranted = includeGranted;
    }

    /**
     * Adds {@code scopes} to the rule of {@code key} in {@code rules}, for the builder.
     *
     * @param what names the key in messages ("tool name", "method")
     * @throws IllegalArgumentException for an empty key, no scopes, a value that is not an RFC 6749
     *     §3.3 scope token, or {@code offline_access}
     */
    public static void addRule(Map<String, Set<String>> rules, String key, String what, String... scopes) {
        Checks.requireArgument(key != null && !key.isEmpty(), what + " must not be empty");
        Set<String> tokens = TokenSyntax.requireScopeTokens(Arrays.asList(scopes));
        Checks.requireArgument(!tokens.isEmpty(), "no scopes given for " + what + " " + key);
        Checks.requireArgument(!tokens.contains(OFFLINE_ACCESS),
                "offline_access asks for a refresh token; it is never a scope an MCP operation requires");
        rules.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(tokens);
    }

    /** Every scope of every rule, base scopes first: the metadata's {@code scopes_supported}. */
    public List<String> allScopes() {
        Set<String> all = new LinkedHashSet<>(baseScopes);
        methodScopes.values().forEach(all::addAll);
        toolScopes.values().forEach(all::addAll);
        all.remove(OFFLINE_ACCESS);
        return List.copyOf(all);
    }

    /**
     * What a request for {@code method} (targeting {@code target}, the tool name for
     * {@code tools/call}) needs, in order: base, method, tool.
     */
    public Set<String> requiredFor(String method, String target) {
        Set<String> required = new LinkedHashSet<>(baseScopes);
        required.addAll(methodScopes.getOrDefault(method, Set.of()));
        if (TOOLS_CALL.equals(method) && target != null) {
            required.addAll(toolScopes.getOrDefault(target, Set.of()));
        }
        return required;
    }

    /**
     * Names what needs more scopes, for the challenge's description and the audit event: the tool
     * or method of the rule that applies, never a name only the client chose.
     */
    public String describe(String method, String target) {
        if (TOOLS_CALL.equals(method) && target != null && toolScopes.containsKey(target)) {
            return "the tool " + target;
        }
        return methodScopes.containsKey(method) ? "the method " + method : "this operation";
    }

    /**
     * The challenge's {@code scope}: the granted scopes (when configured so) followed by the
     * required ones, without duplicates and without {@code offline_access}.
     */
    public Set<String> challengeScopes(Set<String> granted, Set<String> required) {
        Set<String> scopes = new LinkedHashSet<>();
        if (includeGranted) {
            scopes.addAll(granted);
        }
        scopes.addAll(required);
        scopes.remove(OFFLINE_ACCESS);
        return scopes;
    }

    private static Map<String, Set<String>> copy(Map<String, Set<String>> rules) {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        rules.forEach((key, scopes) -> copy.put(key, ordered(scopes)));
        return Collections.unmodifiableMap(copy);
    }

    private static Set<String> ordered(Set<String> scopes) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
    }
}
