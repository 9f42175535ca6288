package dev.baton.mcp.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.ValidatedToken;
import dev.baton.internal.TokenHash;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which user each MCP session belongs to (MCP security best practices, "Session Hijacking": bind
 * session ids to user-specific information derived from the token, never from the client). A
 * session is bound when the SDK answers {@code initialize} with its {@code Mcp-Session-Id}; a
 * request presenting it is served only for the same user (issuer and subject, or the very token
 * when it has no subject). A session id this store does not know (never bound here, expired,
 * evicted, deleted) is answered like an unknown session, so losing a binding never lets anyone in:
 * the client starts a new session (MCP 2025-11-25 transport, "Session Management" 4). The session
 * is never a credential: the token is checked on every request before this. Bounded: at most
 * {@code maximumSize} bindings, each dropped after {@code idleTimeout} without a request. Not API.
 */
public final class SessionBindings {
    /** The session header (MCP 2025-11-25 Streamable HTTP); header names are case-insensitive. */
    public static final String HEADER = "Mcp-Session-Id";
    private static final Logger LOG = LoggerFactory.getLogger(SessionBindings.class);
    /** Longest session id recorded; the SDK's are UUIDs. */
    private static final int MAX_ID_LENGTH = 256;

    private final Cache<String, Owner> owners;

    /**
     * @param maximumSize the most sessions remembered
     * @param idleTimeout how long a binding lives after its last request
     */
    public SessionBindings(int maximumSize, Duration idleTimeout) {
        // Maintenance on the calling thread: eviction is immediate and needs no shared pool.
        this.owners = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterAccess(idleTimeout)
                .executor(Runnable::run).build();
    }

    /** Whether {@code sessionId} was bound to {@code user}; also marks the binding as used. */
    public boolean isOwnedBy(String sessionId, ValidatedToken user) {
        Owner owner = owners.getIfPresent(sessionId);
        if (owner == null) {
            return false;
        }
        if (!owner.equals(ownerOf(user))) {
            LOG.warn("a request presented the MCP session of another user and was answered as an unknown session"
                    + " (token {})", user.fingerprint());
            return false;
        }
        return true;
    }

    /** Forgets {@code sessionId} (the session was deleted). */
    public void remove(String sessionId) {
        owners.invalidate(sessionId);
    }

    /** {@code response}, binding the session id the SDK sets on it to {@code user}. */
    public HttpServletResponse binding(HttpServletResponse response, ValidatedToken user) {
        return new Capturing(response, ownerOf(user));
    }

    /** The number of bindings held (approximate, for tests). */
    public long size() {
        owners.cleanUp();
        return owners.estimatedSize();
    }

    private void bind(String sessionId, Owner owner) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > MAX_ID_LENGTH) {
            return;
        }
        Owner previous = owners.asMap().putIfAbsent(sessionId, owner);
        if (previous != null && !previous.equals(owner)) {
            // A new session must not take over an existing id: keep the first owner.
            LOG.warn("the MCP server issued a session id that is already bound to another user; binding kept");
        }
    }

    /** The user a token stands for: issuer and subject, or the token itself when it names no subject. */
    static Owner ownerOf(ValidatedToken user) {
        Objects.requireNonNull(user, "user");
        return user.subject() == null
                ? new Owner(null, null, TokenHash.of(user.value()))
                : new Owner(user.issuer(), user.subject(), null);
    }

    /** Issuer and subject, or (for a token without {@code sub}) the token's SHA-256. */
    record Owner(String issuer, String subject, TokenHash token) {
    }

    /** Records the {@code Mcp-Session-Id} the SDK sets on its {@code initialize} answer. */
    private final class Capturing extends HttpServletResponseWrapper {
        private final Owner owner;

        Capturing(HttpServletResponse response, Owner owner) {
            super(response);
            this.owner = owner;
        }

        @Override
        public void setHeader(String name, String value) {
            if (HEADER.equalsIgnoreCase(name)) {
                bind(value, owner);
            }
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            if (HEADER.equalsIgnoreCase(name)) {
                bind(value, owner);
            }
            super.addHeader(name, value);
        }
    }
}
