package dev.baton.internal;

import dev.baton.ClientAuthentication;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Baton's internal view of a {@link ClientAuthentication}: its Nimbus form and its secret. The
 * public class registers the implementation from its static initialiser, so no Nimbus type and no
 * secret accessor appears in the public API. Not API.
 */
public final class ClientAuthenticationAccess {
    /** What the internals need from a {@link ClientAuthentication}. */
    public interface Accessor {
        /**
         * The Nimbus client authentication for one request to {@code endpoint}, or empty for a
         * public client; a fresh assertion for {@code private_key_jwt}.
         *
         * @throws IllegalStateException if the assertion cannot be signed
         */
        Optional<com.nimbusds.oauth2.sdk.auth.ClientAuthentication> toNimbus(ClientAuthentication auth, URI endpoint,
                Clock clock);

        /** The client secret, or {@code null} when the method has none; only for redaction. */
        String secret(ClientAuthentication auth);
    }

    private static volatile Accessor accessor;

    private ClientAuthenticationAccess() {
    }

    /**
     * Registers the accessor; called once by {@link ClientAuthentication}.
     *
     * @throws IllegalStateException if one is already registered
     */
    public static void register(Accessor a) {
        Objects.requireNonNull(a, "accessor");
        synchronized (ClientAuthenticationAccess.class) {
            if (accessor != null) {
                throw new IllegalStateException("already registered");
            }
            accessor = a;
        }
    }

    /** As {@link Accessor#toNimbus}. */
    public static Optional<com.nimbusds.oauth2.sdk.auth.ClientAuthentication> toNimbus(ClientAuthentication auth,
            URI endpoint, Clock clock) {
        return accessor(auth).toNimbus(auth, endpoint, clock);
    }

    /** As {@link Accessor#secret}. */
    public static String secret(ClientAuthentication auth) {
        return accessor(auth).secret(auth);
    }

    private static Accessor accessor(ClientAuthentication auth) {
        // Holding an instance means ClientAuthentication's initialiser has run and registered.
        Objects.requireNonNull(auth, "auth");
        Accessor a = accessor;
        if (a == null) {
            throw new IllegalStateException("ClientAuthentication did not register its accessor");
        }
        return a;
    }
}
