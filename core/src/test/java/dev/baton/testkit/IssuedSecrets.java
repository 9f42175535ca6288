package dev.baton.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every credential a test run handed out or configured: the tokens {@link JwtBuilder} minted, the
 * tokens, refresh tokens and client secrets that crossed a {@link TestAuthorizationServer}, and
 * whatever a fixture registers itself (its client secret, a made-up subject token). At the end of
 * each test class and of the run, {@link dev.baton.testkit.logging.NoSecretsInLogs} fails if any
 * captured log line contains one of them (docs/security.md case 34). Thread-safe.
 *
 * <p>Values shorter than {@value #MIN_LENGTH} characters are not kept: they occur in ordinary text
 * by chance, and no real token or secret is that short.
 */
public final class IssuedSecrets {
    /** The shortest value kept. */
    public static final int MIN_LENGTH = 8;

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private IssuedSecrets() {
    }

    /** Remembers {@code value} (a token, refresh token, client secret or DPoP proof); returns it. */
    public static String remember(String value) {
        if (value != null && value.length() >= MIN_LENGTH) {
            SECRETS.add(value);
        }
        return value;
    }

    /**
     * Remembers a token and, for a compact JWS, also its signature on its own: the signature is the
     * part that cannot be forged, so a line holding only it leaks the token just the same. Returns
     * {@code token}.
     */
    public static String rememberToken(String token) {
        remember(token);
        if (token != null) {
            int last = token.lastIndexOf('.');
            if (last > 0 && token.indexOf('.') < last) {
                remember(token.substring(last + 1));
            }
        }
        return token;
    }

    /** A snapshot of every value remembered so far. */
    public static Set<String> all() {
        return Set.copyOf(SECRETS);
    }

    /** Forgets {@code value}: only for the test that proves the check fails on a leak it planted. */
    public static void forget(String value) {
        SECRETS.remove(value);
    }
}
