/**
 * Baton for MCP servers built on the MCP Java SDK's servlet transports: authorization as the MCP
 * specification asks for it (authorization 2025-11-25, and the 2026-07-28 revision where it
 * differs), in front of the SDK.
 *
 * <ul>
 *   <li>{@link dev.baton.mcp.McpAuthorizationFilter}: one servlet filter, built from a
 *       {@link dev.baton.TokenValidator}, that the MCP endpoint sits behind;</li>
 *   <li>{@link dev.baton.mcp.McpUser}: the transport-context extractor and the static lookups that
 *       give tool handlers the signed-in user's {@link dev.baton.ValidatedToken};</li>
 *   <li>{@link dev.baton.mcp.ScopeChallengeStrategy}: which scopes a step-up challenge lists;</li>
 *   <li>{@link dev.baton.mcp.ToolErrors}: a failed backend call (a refused or unavailable token
 *       exchange, a timeout) as a tool result with {@code isError: true}.</li>
 * </ul>
 *
 * <h2>What a request gets</h2>
 * In this order; the first rule that refuses answers, and nothing after it runs:
 * <ol>
 *   <li>{@code Origin} present and not allowed, or (on a loopback connection) a host name that is
 *       not a loopback name nor allowed: <b>403</b>, a JSON-RPC error without {@code id}
 *       (DNS-rebinding protection, MCP Streamable HTTP "Security Warning").</li>
 *   <li>The RFC 9728 metadata document is served; a CORS preflight is answered; a missing,
 *       invalid or under-scoped token gets <b>401</b>/<b>403</b> with the RFC 6750 challenge and
 *       {@code resource_metadata}; an unreachable authorization server <b>503</b> (all as
 *       {@link dev.baton.servlet.BearerTokenFilter} answers).</li>
 *   <li>On the MCP endpoint, a POST body over the limit: <b>413</b>; a body that cannot be read as
 *       one JSON object: <b>400</b> {@code -32700}; a JSON-RPC batch (a top-level array, removed
 *       from MCP in 2025-06-18): <b>400</b> {@code -32600}, never authorized by its first element;
 *       {@code method}, {@code params}, {@code params.name} or {@code params.uri} of the wrong type:
 *       <b>400</b> {@code -32600}.</li>
 *   <li>{@code Mcp-Method} or {@code Mcp-Name} present and not matching the body's {@code method}
 *       and {@code params.name}/{@code params.uri} ({@code Mcp-Name} Base64-decoded when sent as
 *       {@code =?base64?…?=}): <b>400</b> {@code -32020 HeaderMismatch} (MCP 2026-07-28 Streamable
 *       HTTP, "Server Validation"). Decisions are taken on the body, never on these headers.</li>
 *   <li>{@code Mcp-Session-Id} of a session bound to another user, or unknown to the filter:
 *       <b>404</b> {@code -32603} "Session not found", as the SDK answers an unknown session; the
 *       client starts a new session. Sessions are bound to the user (issuer and subject) when the
 *       SDK answers {@code initialize}, and forgotten on a successful {@code DELETE}.</li>
 *   <li>A JSON-RPC request whose token lacks a scope of its method or tool: <b>403</b>
 *       {@code WWW-Authenticate: Bearer error="insufficient_scope", scope="…", resource_metadata="…"}
 *       (MCP authorization, "Scope Challenge Handling"), before the SDK sees the request.
 *       Notifications and responses need no scope.</li>
 *   <li>Otherwise the SDK gets the request with the same body bytes.</li>
 * </ol>
 */
package dev.baton.mcp;
