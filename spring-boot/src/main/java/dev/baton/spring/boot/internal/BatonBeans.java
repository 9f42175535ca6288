package dev.baton.spring.boot.internal;

import dev.baton.AuditListener;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.baton.ClientAuthentication;
import dev.baton.DPoPKey;
import dev.baton.EndpointObserver;
import dev.baton.SharedTokenCache;
import dev.baton.TokenExchanger;
import dev.baton.TokenValidator;
import dev.baton.spring.boot.BatonProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds Baton's core objects from {@code baton.*} with Baton's own builders, each value applied
 * with {@link Settings#apply} so that what a builder refuses stops the application with the
 * property's name. Not API.
 */
public final class BatonBeans {
    private static final String RS = "baton.resource-server.";
    private static final String TE = "baton.token-exchange.";

    private BatonBeans() {
    }

    /**
     * The validator of {@code baton.resource-server}.
     *
     * @throws BatonConfigurationException naming the property at fault
     */
    public static TokenValidator validator(BatonProperties.ResourceServer rs, AuditListener audit,
            EndpointObserver observer) {
        String issuer = Settings.require(RS + "issuer", rs.getIssuer(), " (exactly the tokens' \"iss\")");
        String audience = Settings.require(RS + "audience", rs.getAudience(),
                " (the audience this server's tokens carry in \"aud\", RFC 9068 section 4)");
        TokenValidator.Builder b = TokenValidator.builder();
        Settings.apply(RS + "issuer", () -> b.issuer(issuer));
        if (Settings.isSet(rs.getJwksUri())) {
            Settings.apply(RS + "jwks-uri", () -> b.jwksUri(rs.getJwksUri()));
        }
        Settings.apply(RS + "audience", () -> b.audience(audience));
        if (Settings.isSet(rs.getRequiredScopes())) {
            Settings.apply(RS + "required-scopes", () -> b.requiredScopes(rs.getRequiredScopes().toArray(String[]::new)));
        }
        if (Settings.isSet(rs.getAllowedAlgorithms())) {
            Settings.apply(RS + "allowed-algorithms",
                    () -> b.allowedAlgorithms(rs.getAllowedAlgorithms().toArray(String[]::new)));
        }
        if (rs.getClockSkew() != null) {
            Settings.apply(RS + "clock-skew", () -> b.clockSkew(rs.getClockSkew()));
        }
        b.auditListener(audit).endpointObserver(observer);
        TokenValidator[] built = new TokenValidator[1];
        Settings.build("baton.resource-server", java.util.Map.of("issuer", RS + "issuer", "jwksUri", RS + "jwks-uri"),
                () -> built[0] = b.build());
        return built[0];
    }

    /**
     * The exchanger of {@code baton.token-exchange}.
     *
     * @throws BatonConfigurationException naming the property at fault
     */
    public static TokenExchanger exchanger(BatonProperties.TokenExchange te, AuditListener audit,
            EndpointObserver observer, ResourceLoader resources, SharedTokenCache sharedCache) {
        boolean endpoint = Settings.isSet(te.getTokenEndpoint());
        boolean issuer = Settings.isSet(te.getIssuer());
        if (endpoint == issuer) {
            throw endpoint
                    ? Settings.invalid(TE + "issuer", "set either " + TE + "token-endpoint or " + TE + "issuer, not both")
                    : Settings.missing(TE + "token-endpoint", " (or " + TE + "issuer to discover it)");
        }
        TokenExchanger.Builder b = TokenExchanger.builder();
        if (endpoint) {
            Settings.apply(TE + "token-endpoint", () -> b.tokenEndpoint(te.getTokenEndpoint()));
        } else {
            Settings.apply(TE + "issuer", () -> b.issuer(te.getIssuer()));
        }
        ClientAuthentication client = clientAuthentication(te, resources);
        Settings.apply(TE + "client-authentication", () -> b.clientAuthentication(client));
        if (te.getDeadline() != null) {
            Settings.apply(TE + "deadline", () -> b.deadline(te.getDeadline()));
        }
        if (Settings.isSet(te.getDpopKey())) {
            if (!te.isDpop()) {
                throw Settings.invalid(TE + "dpop-key", "needs " + TE + "dpop=true");
            }
            DPoPKey key = dpopKey(te.getDpopKey(), resources);
            b.dpop(key);
        } else if (te.isDpop()) {
            b.dpop();
        }
        if (sharedCache != null) {
            b.sharedCache(sharedCache);
        }
        if (te.getMaxAttempts() != null) {
            Settings.apply(TE + "max-attempts", () -> b.maxAttempts(te.getMaxAttempts()));
        }
        if (!te.isCache()) {
            b.noCache();
        }
        if (te.getMaximumCacheSize() != null) {
            Settings.apply(TE + "maximum-cache-size", () -> b.maximumCacheSize(te.getMaximumCacheSize()));
        }
        if (te.getCacheSkew() != null) {
            Settings.apply(TE + "cache-skew", () -> b.cacheSkew(te.getCacheSkew()));
        }
        b.auditListener(audit).endpointObserver(observer);
        TokenExchanger[] built = new TokenExchanger[1];
        Settings.build("baton.token-exchange", java.util.Map.of("the cache skew", TE + "cache-skew"),
                () -> built[0] = b.build());
        return built[0];
    }

    private static ClientAuthentication clientAuthentication(BatonProperties.TokenExchange te, ResourceLoader resources) {
        String clientId = Settings.require(TE + "client-id", te.getClientId(), " (the client that performs the exchange)");
        String method = Settings.isSet(te.getClientAuthentication())
                ? te.getClientAuthentication().strip().toLowerCase(Locale.ROOT).replace('-', '_')
                : Settings.isSet(te.getPrivateKey()) ? "private_key_jwt" : "client_secret_basic";
        ClientAuthentication[] result = new ClientAuthentication[1];
        switch (method) {
            case "client_secret_basic", "client_secret_post" -> {
                String secret = Settings.require(TE + "client-secret", te.getClientSecret(), " for " + method);
                Settings.apply(TE + "client-secret", () -> result[0] = method.equals("client_secret_basic")
                        ? ClientAuthentication.clientSecretBasic(clientId, secret)
                        : ClientAuthentication.clientSecretPost(clientId, secret));
            }
            case "private_key_jwt" -> {
                String algorithm = Settings.require(TE + "private-key-algorithm", te.getPrivateKeyAlgorithm(),
                        " for private_key_jwt (RS256, PS256, ES256, ...)");
                PrivateKey key = privateKey(Settings.require(TE + "private-key", te.getPrivateKey(),
                        " for private_key_jwt (PKCS#8 PEM text or a location)"), algorithm, resources);
                Settings.apply(TE + "private-key-algorithm", () -> result[0] = ClientAuthentication.privateKeyJwt(clientId,
                        key, te.getPrivateKeyId(), algorithm));
            }
            case "none" -> Settings.apply(TE + "client-id", () -> result[0] = ClientAuthentication.none(clientId));
            default -> throw Settings.invalid(TE + "client-authentication",
                    "one of client_secret_basic, client_secret_post, private_key_jwt, none");
        }
        return result[0];
    }

    /**
     * The DPoP key pair (RFC 9449) of {@code dpop-key}: a private JWK, EC P-256 (ES256) or RSA
     * (RS256, or PS256 when its {@code alg} says so), given as its JSON text or as a Spring resource
     * location. Replicas that share a cache need the same key to share DPoP-bound tokens
     * (docs/fleet.md). Never echoed: messages name only the property and the kind of problem.
     */
    private static DPoPKey dpopKey(String value, ResourceLoader resources) {
        String property = TE + "dpop-key";
        String json = value.strip();
        if (!json.startsWith("{")) {
            try (InputStream in = resources.getResource(json).getInputStream()) {
                json = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw Settings.invalid(property, "cannot read the key at the given location");
            }
        }
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (java.text.ParseException e) {
            throw Settings.invalid(property, "not a JWK (a private EC P-256 or RSA key in JSON)");
        }
        if (!jwk.isPrivate()) {
            throw Settings.invalid(property, "the JWK holds no private key");
        }
        DPoPKey[] key = new DPoPKey[1];
        Settings.apply(property, () -> {
            try {
                if (jwk instanceof ECKey ec) {
                    key[0] = DPoPKey.of(ec.toKeyPair(), "ES256");
                } else if (jwk instanceof RSAKey rsa) {
                    key[0] = DPoPKey.of(rsa.toKeyPair(),
                            jwk.getAlgorithm() != null && "PS256".equals(jwk.getAlgorithm().getName()) ? "PS256" : "RS256");
                } else {
                    throw new IllegalArgumentException("an EC P-256 or RSA JWK is required, not " + jwk.getKeyType());
                }
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalArgumentException("the JWK's key pair cannot be used");
            }
        });
        return key[0];
    }

    /** A PKCS#8 PEM private key, given as its text or as a Spring resource location; never echoed. */
    private static PrivateKey privateKey(String value, String algorithm, ResourceLoader resources) {
        String property = TE + "private-key";
        String pem = value.strip();
        if (!pem.startsWith("-----BEGIN")) {
            Resource resource = resources.getResource(pem);
            try (InputStream in = resource.getInputStream()) {
                pem = new String(in.readNBytes(64 * 1024), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw Settings.invalid(property, "cannot read the key at the given location");
            }
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw Settings.invalid(property, "expected a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27);
        int end = base64.indexOf("-----END PRIVATE KEY-----");
        if (end < 0) {
            throw Settings.invalid(property, "the PEM key has no END line");
        }
        String family = algorithm.toUpperCase(Locale.ROOT).startsWith("ES") ? "EC" : "RSA";
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64.substring(0, end));
            return KeyFactory.getInstance(family).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw Settings.invalid(property, "not a valid " + family + " PKCS#8 key for " + TE + "private-key-algorithm");
        }
    }
}
