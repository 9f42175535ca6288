package dev.baton;

import com.nimbusds.jose.JWSAlgorithm;
import dev.baton.internal.ClientCredentials;
import java.security.PrivateKey;
import java.util.Objects;
import java.util.Set;

/**
 * How Baton authenticates as an OAuth client to the token and introspection endpoints
 * (RFC 6749 §2.3, RFC 7523 §2.2). Immutable; {@link #toString()} never shows a secret or key.
 *
 * <pre>{@code
 * ClientAuthentication.clientSecretBasic("toolhive", secret)
 * ClientAuthentication.privateKeyJwt("toolhive", privateKey, "key-1", "RS256")
 * }</pre>
 */
public final class ClientAuthentication {
    private static final Set<String> ASSERTION_ALGORITHMS = Set.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    /** The client authentication method, named as in RFC 7591 §2 {@code token_endpoint_auth_method}. */
    public enum Method {
        /** HTTP Basic with the URL-encoded client id and secret (RFC 6749 §2.3.1). */
        CLIENT_SECRET_BASIC("client_secret_basic"),
        /** {@code client_id} and {@code client_secret} in the form body (RFC 6749 §2.3.1). */
        CLIENT_SECRET_POST("client_secret_post"),
        /** A JWT assertion signed with the client's private key (RFC 7523 §2.2, OIDC Core §9). */
        PRIVATE_KEY_JWT("private_key_jwt"),
        /** A public client: {@code client_id} only (RFC 6749 §2.1). */
        NONE("none");

        private final String value;

        Method(String value) {
            this.value = value;
        }

        /** The RFC 7591 name, for example {@code client_secret_basic}. */
        public String value() {
            return value;
        }
    }

    private final Method method;
    private final ClientCredentials credentials;

    private ClientAuthentication(Method method, ClientCredentials credentials) {
        this.method = method;
        this.credentials = credentials;
    }

    /** HTTP Basic authentication with the client id and secret (RFC 6749 §2.3.1). */
    public static ClientAuthentication clientSecretBasic(String clientId, String clientSecret) {
        return new ClientAuthentication(Method.CLIENT_SECRET_BASIC,
                ClientCredentials.secretBasic(requireClientId(clientId), requireSecret(clientSecret)));
    }

    /** The client id and secret in the form body (RFC 6749 §2.3.1). */
    public static ClientAuthentication clientSecretPost(String clientId, String clientSecret) {
        return new ClientAuthentication(Method.CLIENT_SECRET_POST,
                ClientCredentials.secretPost(requireClientId(clientId), requireSecret(clientSecret)));
    }

    /**
     * A JWT assertion signed with the client's private key (RFC 7523 §2.2), a fresh one per request
     * with a new {@code jti}, {@code aud} set to the endpoint and a lifetime of 60 seconds.
     *
     * @param clientId the client id ({@code iss} and {@code sub} of the assertion)
     * @param privateKey an RSA or EC private key
     * @param keyId the {@code kid} the authorization server knows the public key by, or {@code null}
     * @param algorithm RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384 or ES512
     * @throws IllegalArgumentException if the algorithm is not one of those or does not fit the key
     */
    public static ClientAuthentication privateKeyJwt(String clientId, PrivateKey privateKey, String keyId,
            String algorithm) {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(algorithm, "algorithm");
        if (!ASSERTION_ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("private_key_jwt algorithm must be one of " + ASSERTION_ALGORITHMS
                    + ", not " + algorithm);
        }
        boolean ec = algorithm.startsWith("ES");
        if (ec != "EC".equals(privateKey.getAlgorithm()) || (!ec && !"RSA".equals(privateKey.getAlgorithm()))) {
            throw new IllegalArgumentException("a " + privateKey.getAlgorithm() + " key cannot sign " + algorithm);
        }
        return new ClientAuthentication(Method.PRIVATE_KEY_JWT,
                ClientCredentials.privateKeyJwt(requireClientId(clientId), privateKey, keyId, JWSAlgorithm.parse(algorithm)));
    }

    /** A public client that sends only its {@code client_id} (RFC 6749 §2.1). */
    public static ClientAuthentication none(String clientId) {
        return new ClientAuthentication(Method.NONE, ClientCredentials.none(requireClientId(clientId)));
    }

    /** The method. */
    public Method method() {
        return method;
    }

    /** The client id. */
    public String clientId() {
        return credentials.clientId();
    }

    /** The credentials in the form the token and introspection clients use. */
    ClientCredentials credentials() {
        return credentials;
    }

    /** Shows the method and client id; never a secret or key. */
    @Override
    public String toString() {
        return "ClientAuthentication[" + method.value() + ", client_id=" + clientId() + "]";
    }

    private static String requireClientId(String clientId) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("client id must not be blank");
        }
        return clientId;
    }

    private static String requireSecret(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("client secret must not be empty");
        }
        return secret;
    }
}
