package dev.baton.mcp.internal;

import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.ValidatedToken;
import dev.baton.servlet.BearerTokenFilter;
import dev.baton.servlet.internal.ChallengeWriter;
import dev.baton.servlet.internal.Refusal;
import dev.baton.servlet.internal.TokenHandOff;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The MCP-specific rules, applied to requests the bearer filter accepted, in this order: the body
 * is read once and bounded, parsed (batches refused), the {@code Mcp-Method}/{@code Mcp-Name}
 * headers compared with it, the {@code Mcp-Session-Id} checked against the user it was bound to,
 * and a request's method and tool scopes checked; then the SDK gets the same bytes. Immutable.
 * Not API.
 */
public final class McpRules {
    private final String endpoint;
    private final int maxBodyBytes;
    private final ScopeRules scopes;
    private final SessionBindings sessions;
    private final ChallengeWriter challenges;
    private final AuditListener audit;

    /**
     * @param endpoint the suffix of the MCP endpoint's request URI, as the SDK's transport tests it
     * @param maxBodyBytes the largest POST body read
     * @param scopes the per-method and per-tool scope rules
     * @param sessions the session-to-user bindings
     * @param challenges writes the 403 {@code insufficient_scope} challenge, as the bearer filter does
     *     (same schemes, same DPoP algorithms)
     * @param audit receives scope refusals
     */
    public McpRules(String endpoint, int maxBodyBytes, ScopeRules scopes, SessionBindings sessions,
            ChallengeWriter challenges, AuditListener audit) {
        this.endpoint = endpoint;
        this.maxBodyBytes = maxBodyBytes;
        this.scopes = scopes;
        this.sessions = sessions;
        this.challenges = challenges;
        this.audit = audit;
    }

    /**
     * Applies the rules to {@code request} and continues {@code chain}, or answers the request.
     * Requests outside the MCP endpoint, and later dispatches of an accepted request, pass untouched.
     *
     * @throws ServletException if the bearer filter did not accept a token for an MCP request (a
     *     wiring error: the rules never run without one)
     */
    public void apply(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() != DispatcherType.REQUEST || !isMcpEndpoint(request)) {
            chain.doFilter(request, response);
            return;
        }
        ValidatedToken user = BearerTokenFilter.validatedToken(request);
        if (user == null) {
            throw new ServletException("the MCP rules ran on a request the bearer filter did not authenticate");
        }
        try {
            if ("POST".equals(request.getMethod())) {
                post(request, response, chain, user);
            } else {
                other(request, response, chain, user);
            }
        } catch (JsonRpcRefusal refusal) {
            refusal.write(request, response);
        }
    }

    /** Whether the SDK's transport would serve {@code request}: its URI ends with the endpoint. */
    private boolean isMcpEndpoint(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return uri != null && uri.endsWith(endpoint);
    }

    private void post(HttpServletRequest request, HttpServletResponse response, FilterChain chain, ValidatedToken user)
            throws IOException, ServletException, JsonRpcRefusal {
        RequestBody body = RequestBody.read(request, maxBodyBytes);
        JsonRpcMessage message = JsonRpcMessage.parse(body.text());
        HeaderCheck.check(request, message);
        String session = sessionId(request, message.id());
        if (session != null && !sessions.isOwnedBy(session, user)) {
            throw unknownSession(message.id());
        }
        if (message.isRequest()) {
            Set<String> required = scopes.requiredFor(message.method(), message.target());
            if (!user.scopes().containsAll(required)) {
                refuseScope(request, response, user, message, required);
                return;
            }
        }
        HttpServletResponse out = message.isInitialize() ? sessions.binding(response, user) : response;
        chain.doFilter(new ReplayedBodyRequest(request, out, body.bytes()), out);
    }

    private void other(HttpServletRequest request, HttpServletResponse response, FilterChain chain, ValidatedToken user)
            throws IOException, ServletException, JsonRpcRefusal {
        String session = sessionId(request, null);
        if (session != null && !sessions.isOwnedBy(session, user)) {
            throw unknownSession(null);
        }
        chain.doFilter(request, response);
        int status = response.getStatus();
        if ("DELETE".equals(request.getMethod()) && session != null && status >= 200 && status < 300) {
            sessions.remove(session);
        }
    }

    private void refuseScope(HttpServletRequest request, HttpServletResponse response, ValidatedToken user,
            JsonRpcMessage message, Set<String> required) throws IOException {
        String what = scopes.describe(message.method(), message.target());
        // The step-up challenge names the scheme the token came with (RFC 9449 §7.1 for DPoP).
        Refusal refusal = Refusal.missingOperationScope(user, "The token lacks a scope " + what + " requires.",
                TokenHandOff.isDPoP(request));
        refusal.report(audit, AuditContext.of(request.getMethod(), request.getRequestURI()));
        challenges.write(request, response, refusal, scopes.challengeScopes(user.scopes(), required));
    }

    /** The one {@code Mcp-Session-Id}, or {@code null}; several are refused. */
    private static String sessionId(HttpServletRequest request, Object id) throws JsonRpcRefusal {
        List<String> values = HeaderCheck.values(request, SessionBindings.HEADER);
        if (values.size() > 1) {
            throw new JsonRpcRefusal(400, JsonRpcRefusal.INVALID_REQUEST, id, "More than one Mcp-Session-Id header");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** As the MCP Java SDK answers a session it does not know: 404, JSON-RPC {@code -32603}. */
    private static JsonRpcRefusal unknownSession(Object id) {
        return new JsonRpcRefusal(404, JsonRpcRefusal.INTERNAL_ERROR, id, "Session not found");
    }
}
