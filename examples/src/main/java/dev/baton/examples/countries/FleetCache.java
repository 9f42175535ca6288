package dev.baton.examples.countries;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.baton.DPoPKey;
import dev.baton.TokenExchanger;
import dev.baton.redis.RedisTokenCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;

/**
 * The shared cache of a fleet of countries MCP servers, when {@code REDIS_URL} is set: a
 * {@link RedisTokenCache} on that Redis or Valkey with the {@code REDIS_SECRET} deployment secret,
 * so that behind a load balancer each user's token is exchanged once for the whole fleet
 * (docs/fleet.md), and the fleet's DPoP key from {@code DPOP_KEY_FILE}, to which those tokens are
 * bound. Without {@code REDIS_URL} the server runs as it always did.
 */
final class FleetCache {
    private FleetCache() {
    }

    /**
     * The shared cache of {@code config}, or {@code null} without {@code REDIS_URL}. The caller
     * closes it after the exchanger. Makes no network call.
     *
     * @throws IllegalArgumentException if {@code REDIS_URL} or {@code REDIS_SECRET} is refused
     */
    static RedisTokenCache of(CountriesServerConfig config) {
        if (config.redisUrl() == null) {
            return null;
        }
        try {
            return RedisTokenCache.builder().uri(config.redisUrl()).secret(config.redisSecret()).build();
        } catch (IllegalArgumentException e) {
            // The builder names the setting; say which variable holds it.
            throw new IllegalArgumentException("REDIS_URL / REDIS_SECRET: " + e.getMessage(), e);
        }
    }

    /**
     * DPoP (RFC 9449) on {@code builder}: with the key of {@code DPOP_KEY_FILE}, which every replica
     * of a fleet holds, or else a key of this server's own.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no private EC P-256 JWK
     */
    static TokenExchanger.Builder dpop(TokenExchanger.Builder builder, CountriesServerConfig config) {
        if (config.dpopKeyFile() == null) {
            return builder.dpop();
        }
        try {
            ECKey jwk = ECKey.parse(Files.readString(Path.of(config.dpopKeyFile()), StandardCharsets.UTF_8));
            if (!Curve.P_256.equals(jwk.getCurve()) || !jwk.isPrivate()) {
                throw new IllegalArgumentException("DPOP_KEY_FILE must hold a private EC P-256 JWK");
            }
            return builder.dpop(DPoPKey.of(jwk.toKeyPair(), "ES256"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read DPOP_KEY_FILE " + config.dpopKeyFile(), e);
        } catch (ParseException | JOSEException e) {
            // Never the file's content: it is a private key.
            throw new IllegalArgumentException("DPOP_KEY_FILE is not an EC JWK: " + e.getClass().getSimpleName());
        }
    }
}
