package dev.baton.mcp;

/**
 * Which scopes a 403 {@code insufficient_scope} challenge lists in its {@code scope} parameter
 * when a token lacks a scope an MCP tool or method requires (MCP authorization, "Scope Challenge
 * Handling"). The client re-authorizes with that list (step-up), so it decides which scopes the
 * next token carries. Neither strategy ever lists {@code offline_access} (MCP 2026-07-28
 * authorization, "Refresh Tokens": it is not a resource requirement).
 */
public enum ScopeChallengeStrategy {
    /**
     * The scopes the token was granted, followed by those the operation requires: the
     * "recommended approach" of MCP 2025-11-25 ("Server Scope Management": include both existing
     * relevant scopes and newly required scopes, to prevent clients from losing previously granted
     * permissions). The default, because today's clients (the TypeScript MCP SDK and those built on
     * it) replace their scopes with exactly the challenge's: a challenge naming only the missing
     * scope would make them drop the ones they had.
     */
    GRANTED_AND_REQUIRED,

    /**
     * Every scope the current operation requires (the validator's, the method's and the tool's), in
     * one challenge, without the other scopes the token holds: the MCP 2026-07-28 rule ("servers are
     * not required to include the client's previously granted scopes"; "Scope accumulation across
     * operations is a client-side responsibility"). Choose it once your clients take the union of
     * what they had and what the challenge lists, as 2026-07-28 asks of them.
     */
    REQUIRED_FOR_OPERATION
}
