package dev.baton;

import dev.baton.internal.TokenHash;
import dev.baton.internal.validation.ClaimMaps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An access token that a {@link TokenValidator} accepted, with the claims Baton understood.
 *
 * <p>Immutable. The raw token is available from {@link #value()} so it can be exchanged (RFC 8693
 * §2.1 {@code subject_token}); {@link #toString()} never shows it, only a short
 * {@linkplain #fingerprint() fingerprint}.
 *
 * <p>Claims are read as RFC 9068 §2.2 and RFC 7662 §2.2 name them: {@code scope} as a
 * space-separated string, or {@code scp} as a string or an array (Okta, Azure AD);
 * the client id from {@code client_id}, {@code azp} or {@code cid}; the delegation chain from
 * {@code act} (RFC 8693 §4.1).
 */
public final class ValidatedToken {
    private final String value;
    private final String subject;
    private final String issuer;
    private final List<String> audiences;
    private final Set<String> scopes;
    private final String clientId;
    private final Instant expiresAt;
    private final Map<String, Object> claims;
    private final Actor actor;
    /** {@code cnf.jkt} (RFC 9449 §6), or {@code null} for a token not bound to a DPoP key. */
    private final String dpopKeyThumbprint;
    private volatile TokenHash hash;

    /**
     * @param claims the claims to read
     * @param kept the claims to keep: unmodifiable all the way down
     * @param hash the token's hash, or {@code null} to compute it on first use
     */
    private ValidatedToken(String value, Map<String, Object> claims, Map<String, Object> kept, TokenHash hash) {
        this.value = value;
        this.hash = hash;
        this.claims = kept;
        this.subject = stringClaim(claims, "sub");
        this.issuer = stringClaim(claims, "iss");
        this.audiences = stringList(claims.get("aud"));
        this.scopes = scopes(claims);
        String cid = stringClaim(claims, "client_id");
        if (cid == null) {
            cid = stringClaim(claims, "azp");
        }
        if (cid == null) {
            cid = stringClaim(claims, "cid");
        }
        this.clientId = cid;
        this.expiresAt = instantClaim(claims.get("exp"));
        this.actor = Actor.from(claims.get("act"));
        this.dpopKeyThumbprint = claims.get("cnf") instanceof Map<?, ?> cnf && cnf.get("jkt") instanceof String jkt
                ? jkt : null;
    }

    /**
     * Builds a validated token from its raw value and its verified claims. Validators call this
     * after every check has passed.
     *
     * <p><b>This method performs no validation whatsoever</b>: no signature, issuer, audience,
     * expiry or scope check, and no check that {@code claims} belong to {@code value}. A token built
     * here is exactly as trustworthy as the code that built it. Use it in tests and in a custom
     * {@link TokenValidator} after that validator has verified the token; never on a token taken
     * from a request. To validate an incoming token, use {@link TokenValidator#validate(String)}.
     *
     * @param value the raw token, as received
     * @param claims the verified claims (JWT claims or an RFC 7662 introspection response);
     *     {@code exp} may be a number of seconds, a {@link Date} or an {@link Instant}
     * @throws NullPointerException if an argument is null
     */
    public static ValidatedToken of(String value, Map<String, Object> claims) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(claims, "claims");
        return new ValidatedToken(value, claims, ClaimMaps.copy(claims), null);
    }

    /**
     * As {@link #of(String, Map)} for the validation engine, without its copy and with the hash the
     * validator computed, if any, so neither the fingerprint nor the exchange cache hashes the token
     * again. For Baton's own validators in this package, which hand it to the engine; not API.
     *
     * @param claims the claims, unmodifiable all the way down ({@link ClaimMaps}); kept as they are
     * @param hash {@link TokenHash#of(String)} of {@code value}, or {@code null} to compute it on first use
     */
    static ValidatedToken verified(String value, Map<String, Object> claims, TokenHash hash) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(claims, "claims");
        return new ValidatedToken(value, claims, claims, hash);
    }

    /**
     * The RFC 7638 SHA-256 thumbprint of the public key this token is bound to, from its
     * {@code cnf.jkt} (RFC 9449 §6.1 for JWTs, §6.2 for introspection answers); empty for a plain
     * bearer token. A validator accepts a bound token only with a DPoP proof signed by that key
     * ({@link TokenValidator#validate(PresentedToken, AuditContext)}).
     */
    public Optional<String> dpopKeyThumbprint() {
        return Optional.ofNullable(dpopKeyThumbprint);
    }

    /** The raw token. Handle with care: never log it. */
    public String value() {
        return value;
    }

    /** The {@code sub} claim, or {@code null} when the token has none. */
    public String subject() {
        return subject;
    }

    /** The {@code iss} claim, or {@code null} when the token has none. */
    public String issuer() {
        return issuer;
    }

    /** The {@code aud} claim as a list (a single string becomes one element); never null. */
    public List<String> audiences() {
        return audiences;
    }

    /** The granted scopes from {@code scope} or {@code scp}; never null, iteration in token order. */
    public Set<String> scopes() {
        return scopes;
    }

    /** The client the token was issued to ({@code client_id}, {@code azp} or {@code cid}), or {@code null}. */
    public String clientId() {
        return clientId;
    }

    /** The {@code exp} claim, or {@code null} when absent (only possible for introspected tokens). */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** All claims, unmodifiable, as the validator saw them. */
    public Map<String, Object> claims() {
        return claims;
    }

    /** The current actor of a delegated token (RFC 8693 §4.1 {@code act}), if any. */
    public Optional<Actor> actor() {
        return Optional.ofNullable(actor);
    }

    /**
     * A short, non-reversible identifier of the token (the first 8 bytes of its SHA-256, base64url),
     * for correlating log lines. It is not a secret and cannot be turned back into the token.
     */
    public String fingerprint() {
        return hash().fingerprint();
    }

    /**
     * The fingerprint of any token string: the first 8 bytes of its SHA-256, base64url without padding.
     */
    public static String fingerprintOf(String token) {
        return TokenHash.of(token).fingerprint();
    }

    /**
     * The token's SHA-256: the one the validator computed, or else computed at most once per
     * instance. The exchange cache keys by it, so a token the validator has seen is not hashed
     * again for any exchange.
     */
    TokenHash hash() {
        TokenHash h = hash;
        if (h == null) {
            h = TokenHash.of(value);
            hash = h;
        }
        return h;
    }

    /** Shows subject, issuer, client, audiences, scopes, expiry and fingerprint; never the token. */
    @Override
    public String toString() {
        return "ValidatedToken[sub=" + subject + ", iss=" + issuer + ", client_id=" + clientId
                + ", aud=" + audiences + ", scopes=" + scopes + ", exp=" + expiresAt
                + ", fingerprint=" + fingerprint() + "]";
    }

    /**
     * One link of the RFC 8693 §4.1 {@code act} chain: the party acting on behalf of the subject,
     * and, nested, whoever acted before it.
     */
    public static final class Actor {
        private final String subject;
        private final String issuer;
        private final String clientId;
        private final Map<String, Object> claims;
        private final Actor previous;

        private Actor(Map<String, Object> claims) {
            this.claims = ClaimMaps.copy(claims);
            this.subject = stringClaim(claims, "sub");
            this.issuer = stringClaim(claims, "iss");
            this.clientId = stringClaim(claims, "client_id");
            this.previous = from(claims.get("act"));
        }

        static Actor from(Object act) {
            if (act instanceof Map<?, ?> map) {
                Map<String, Object> m = new LinkedHashMap<>();
                map.forEach((k, v) -> m.put(String.valueOf(k), v));
                return new Actor(m);
            }
            return null;
        }

        /** The actor's {@code sub}, or {@code null}. */
        public String subject() {
            return subject;
        }

        /** The actor's {@code iss}, or {@code null}. */
        public String issuer() {
            return issuer;
        }

        /** The actor's {@code client_id}, or {@code null}. */
        public String clientId() {
            return clientId;
        }

        /** All claims of this link, unmodifiable (including the nested {@code act}). */
        public Map<String, Object> claims() {
            return claims;
        }

        /** The actor that acted before this one (the nested {@code act}), if any. */
        public Optional<Actor> actor() {
            return Optional.ofNullable(previous);
        }

        @Override
        public String toString() {
            return "Actor[sub=" + subject + ", iss=" + issuer + ", client_id=" + clientId
                    + (previous == null ? "" : ", act=" + previous) + "]";
        }
    }

    private static String stringClaim(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        return v instanceof String s ? s : null;
    }

    private static List<String> stringList(Object v) {
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof Collection<?> c) {
            List<String> out = new ArrayList<>(c.size());
            for (Object o : c) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
            return List.copyOf(out);
        }
        return List.of();
    }

    private static Set<String> scopes(Map<String, Object> claims) {
        Set<String> out = new LinkedHashSet<>();
        Object scope = claims.get("scope");
        if (scope instanceof String s) {
            splitInto(s, out);
        }
        Object scp = claims.get("scp");
        if (scp instanceof String s) {
            splitInto(s, out);
        } else if (scp instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s && !s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return Collections.unmodifiableSet(out);
    }

    private static void splitInto(String s, Set<String> out) {
        for (String part : s.split(" ")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
    }

    private static Instant instantClaim(Object v) {
        if (v instanceof Instant i) {
            return i;
        }
        if (v instanceof Date d) {
            return d.toInstant();
        }
        if (v instanceof Number n) {
            return Instant.ofEpochSecond(n.longValue());
        }
        return null;
    }
}
