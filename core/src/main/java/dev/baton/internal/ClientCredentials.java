package dev.baton.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;
import java.net.URI;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * What the token and introspection clients need to authenticate as an OAuth client (RFC 6749
 * §2.3, RFC 7523 §2.2): the Nimbus form of the credentials for one request, and the secret for
 * redaction. The public {@code ClientAuthentication} checks the arguments and hands this to the
 * internals, so no Nimbus type and no secret accessor is part of the API. {@link #toString()} never
 * shows a secret or key. Not API.
 */
public final class ClientCredentials {
    /** Lifetime of each {@code private_key_jwt} assertion: short, since each is used once. */
    public static final Duration ASSERTION_LIFETIME = Duration.ofSeconds(60);

    private final ClientID clientId;
    private final Secret secret;
    private final boolean secretInBody;
    private final PrivateKey privateKey;
    private final String keyId;
    private final JWSAlgorithm algorithm;
    /** The secret's fixed client authentication (the same for every request), or {@code null}. */
    private final ClientAuthentication secretAuthentication;
    /** {@code client_secret_basic}'s {@code Authorization} value, made once, or {@code null}. */
    private final String basicAuthorization;

    private ClientCredentials(String clientId, Secret secret, boolean secretInBody, PrivateKey privateKey,
            String keyId, JWSAlgorithm algorithm) {
        this.clientId = new ClientID(clientId);
        this.secret = secret;
        this.secretInBody = secretInBody;
        this.privateKey = privateKey;
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.secretAuthentication = secret == null ? null
                : secretInBody ? new ClientSecretPost(this.clientId, secret) : new ClientSecretBasic(this.clientId, secret);
        this.basicAuthorization = secretAuthentication instanceof ClientSecretBasic basic
                ? basic.toHTTPAuthorizationHeader() : null;
    }

    /** {@code client_secret_basic} (RFC 6749 §2.3.1). */
    public static ClientCredentials secretBasic(String clientId, String secret) {
        return new ClientCredentials(clientId, new Secret(secret), false, null, null, null);
    }

    /** {@code client_secret_post} (RFC 6749 §2.3.1). */
    public static ClientCredentials secretPost(String clientId, String secret) {
        return new ClientCredentials(clientId, new Secret(secret), true, null, null, null);
    }

    /** {@code private_key_jwt} (RFC 7523 §2.2); the key and algorithm are already checked to fit. */
    public static ClientCredentials privateKeyJwt(String clientId, PrivateKey key, String keyId,
            JWSAlgorithm algorithm) {
        return new ClientCredentials(clientId, null, false, key, keyId, algorithm);
    }

    /** A public client (RFC 6749 §2.1): {@code client_id} only. */
    public static ClientCredentials none(String clientId) {
        return new ClientCredentials(clientId, null, false, null, null, null);
    }

    /** The client id. */
    public String clientId() {
        return clientId.getValue();
    }

    /**
     * The Nimbus client authentication for one request to {@code endpoint}, or empty for a public
     * client; a fresh assertion (new {@code jti}, {@code aud} = the endpoint) for {@code private_key_jwt}.
     *
     * @throws IllegalStateException if the assertion cannot be signed
     */
    public Optional<ClientAuthentication> forRequest(URI endpoint, Clock clock) {
        if (secretAuthentication != null) {
            return Optional.of(secretAuthentication);
        }
        if (privateKey == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        JWTAuthenticationClaimsSet claims = new JWTAuthenticationClaimsSet(clientId, List.of(new Audience(endpoint)),
                Date.from(now.plus(ASSERTION_LIFETIME)), null, Date.from(now), new JWTID());
        try {
            return Optional.of(new PrivateKeyJWT(claims, algorithm, privateKey, keyId, null));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the private_key_jwt client assertion: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * The {@code Authorization} header value of {@code client_secret_basic} (RFC 6749 §2.3.1: id and
     * secret form-encoded, then Base64), the same for every request, or {@code null} for any other
     * method. Never logged: it carries the secret.
     */
    public String basicAuthorization() {
        return basicAuthorization;
    }

    /** The client secret, or {@code null} when the method has none; only for redaction. */
    public String secret() {
        return secret == null ? null : secret.getValue();
    }

    /** The client id; never a secret or key. */
    @Override
    public String toString() {
        return "ClientCredentials[client_id=" + clientId + "]";
    }
}
