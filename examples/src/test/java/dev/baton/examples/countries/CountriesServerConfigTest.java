package dev.baton.examples.countries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountriesServerConfigTest {
    private static final CountriesServerConfig DEFAULTS = CountriesServerConfig.defaults(
            "http://127.0.0.1:1/mcp", "http://127.0.0.1:1/backend/token", "client", "default-secret",
            "http://127.0.0.1:2/graphql");

    @Test
    void unsetVariablesKeepTheDefaults() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of("UNRELATED", "x"));

        assertThat(config).isEqualTo(DEFAULTS);
        assertThat(config.audience()).isEqualTo("mcpserver");
        assertThat(config.requiredScopes()).containsExactly("mcp:tools:call");
        assertThat(config.scopesSupported()).containsExactly("mcp:tools:call");
        assertThat(config.exchangeAudience()).isEqualTo("backend");
        assertThat(config.exchangeScopes()).containsExactly("backend-api:read");
    }

    @Test
    void toolHiveNamedVariablesOverrideTheDefaults() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.ofEntries(
                Map.entry("OIDC_ISSUER", "https://example.okta.com/oauth2/mcp"),
                Map.entry("OIDC_AUDIENCE", "api://mcp"),
                Map.entry("OIDC_JWKS_URL", "https://example.okta.com/oauth2/mcp/v1/keys"),
                Map.entry("REQUIRED_SCOPES", "mcp:tools:call, mcp:tools:list"),
                Map.entry("SCOPES_SUPPORTED", "openid"),
                Map.entry("RESOURCE_URL", "https://mcp.example.com/mcp"),
                Map.entry("TOKEN_EXCHANGE_URL", "https://example.okta.com/oauth2/backend/v1/token"),
                Map.entry("TOKEN_EXCHANGE_CLIENT_ID", "0oa-exchange"),
                Map.entry("TOKEN_EXCHANGE_CLIENT_SECRET", "s3cret"),
                Map.entry("TOKEN_EXCHANGE_AUDIENCE", "api://backend"),
                Map.entry("TOKEN_EXCHANGE_SCOPES", "backend-api:read,backend-api:list"),
                Map.entry("BACKEND_GRAPHQL_URL", "https://api.example.com/graphql"),
                Map.entry("HOST", "0.0.0.0"),
                Map.entry("PORT", "8080")));

        assertThat(config.issuer()).isEqualTo("https://example.okta.com/oauth2/mcp");
        assertThat(config.audience()).isEqualTo("api://mcp");
        assertThat(config.jwksUrl()).isEqualTo("https://example.okta.com/oauth2/mcp/v1/keys");
        assertThat(config.requiredScopes()).containsExactly("mcp:tools:call", "mcp:tools:list");
        assertThat(config.scopesSupported()).containsExactly("mcp:tools:call", "mcp:tools:list", "openid");
        assertThat(config.resourceUrl()).isEqualTo("https://mcp.example.com/mcp");
        assertThat(config.tokenExchangeUrl()).isEqualTo("https://example.okta.com/oauth2/backend/v1/token");
        assertThat(config.clientId()).isEqualTo("0oa-exchange");
        assertThat(config.clientSecret()).isEqualTo("s3cret");
        assertThat(config.exchangeAudience()).isEqualTo("api://backend");
        assertThat(config.exchangeScopes()).isEqualTo(List.of("backend-api:read", "backend-api:list"));
        assertThat(config.graphqlUrl()).isEqualTo("https://api.example.com/graphql");
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8080);
    }

    @Test
    void oidcScopesIsReadAsRequiredScopes() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of("OIDC_SCOPES", "mcp:tools:call,mcp:tools:list"));

        assertThat(config.requiredScopes()).containsExactly("mcp:tools:call", "mcp:tools:list");
    }

    @Test
    void refusesRequiredScopesTogetherWithItsAlias() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of(
                "REQUIRED_SCOPES", "mcp:tools:call", "OIDC_SCOPES", "mcp:tools:call")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("set REQUIRED_SCOPES or its alias OIDC_SCOPES, not both");
    }

    @Test
    void refusesToolHivesOidcScopesCopiedAsARequirement() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of("OIDC_SCOPES", "openid,mcp:tools:call")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("REQUIRED_SCOPES lists openid, an OpenID Connect scope")
                .hasMessageContaining("set SCOPES_SUPPORTED");
    }

    @Test
    void refusesOfflineAccessAsARequiredScope() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of("REQUIRED_SCOPES", "mcp:tools:call offline_access")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("REQUIRED_SCOPES lists offline_access");
    }

    @Test
    void scopesSupportedAdvertisesWithoutRequiring() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of("SCOPES_SUPPORTED", "openid,mcp:tools:call"));

        assertThat(config.requiredScopes()).containsExactly("mcp:tools:call");
        assertThat(config.scopesSupported()).containsExactly("mcp:tools:call", "openid");
    }

    @Test
    void advertisedScopesFollowTheRequiredScopes() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of("SCOPES_SUPPORTED", "openid"))
                .withEnvironment(Map.of("REQUIRED_SCOPES", "countries:read"));

        assertThat(config.scopesSupported()).containsExactly("countries:read", "openid");
    }

    @Test
    void refusesOfflineAccessInScopesSupported() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of("SCOPES_SUPPORTED", "openid,offline_access")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SCOPES_SUPPORTED lists offline_access");
    }

    @Test
    void blankVariablesAreUnset() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of(
                "OIDC_ISSUER", " ", "REQUIRED_SCOPES", "", "TOKEN_EXCHANGE_AUDIENCE", "\t", "PORT", " "));

        assertThat(config).isEqualTo(DEFAULTS);
    }

    @Test
    void settingIsEmptyForABlankVariableAndStrippedOtherwise() {
        Map<String, String> env = Map.of("BACKEND_ISSUER", "  ", "BACKEND_GRAPHQL_URL", " https://api.example.com/graphql ");

        assertThat(CountriesServerConfig.setting(env, "BACKEND_ISSUER")).isEmpty();
        assertThat(CountriesServerConfig.setting(env, "UNSET")).isEmpty();
        assertThat(CountriesServerConfig.setting(env, "BACKEND_GRAPHQL_URL")).contains("https://api.example.com/graphql");
    }

    @Test
    void readsTheSecretFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, "from-file\n");

        CountriesServerConfig config = DEFAULTS.withEnvironment(
                Map.of("TOKEN_EXCHANGE_CLIENT_SECRET_FILE", file.toString()));

        assertThat(config.clientSecret()).isEqualTo("from-file");
    }

    @Test
    void refusesBothASecretAndASecretFile() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of(
                "TOKEN_EXCHANGE_CLIENT_SECRET", "a", "TOKEN_EXCHANGE_CLIENT_SECRET_FILE", "/nonexistent")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not both");
    }

    @Test
    void refusesAPortThatIsNotANumber() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of("PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PORT is not a number: http");
    }

    @Test
    void neverShowsTheSecret() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of("TOKEN_EXCHANGE_CLIENT_SECRET", "s3cret-value"));

        assertThat(config.toString()).doesNotContain("s3cret-value");
        assertThat(config.describe().values()).noneMatch(v -> v.contains("s3cret-value"));
    }

    @Test
    void describesTheRequiredAndTheAdvertisedScopes() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of("SCOPES_SUPPORTED", "openid"));

        assertThat(config.describe()).containsEntry("REQUIRED_SCOPES", "mcp:tools:call")
                .containsEntry("SCOPES_SUPPORTED", "openid");
    }

    @Test
    void withoutRedisUrlThereIsNoSharedCache() {
        assertThat(DEFAULTS.redisUrl()).isNull();
        assertThat(DEFAULTS.describe()).containsEntry("REDIS_URL", "(none: no shared cache)");
    }

    @Test
    void redisUrlNeedsTheDeploymentSecret() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of("REDIS_URL", "redis://127.0.0.1:6379")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("REDIS_SECRET (required with REDIS_URL) is not set");
    }

    @Test
    void redisUrlNeedsTheFleetsDPoPKey() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of("REDIS_URL", "redis://127.0.0.1:6379",
                "REDIS_SECRET", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("DPOP_KEY_FILE (required with REDIS_URL");
    }

    @Test
    void redisUrlAndSecretAreNeverShown() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of(
                "REDIS_URL", "redis://baton:redis-password-value@127.0.0.1:6379",
                "REDIS_SECRET", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                "DPOP_KEY_FILE", "/run/secrets/dpop-key.json"));

        assertThat(config.redisUrl()).isEqualTo("redis://baton:redis-password-value@127.0.0.1:6379");
        assertThat(config.toString()).doesNotContain("redis-password-value").doesNotContain("MDEyMzQ1")
                .contains("REDIS_URL=(set, not shown)");
    }

    @Test
    void exchangesForDPoPBoundTokensByDefault() {
        assertThat(DEFAULTS.dpop()).isTrue();
        assertThat(DEFAULTS.describe()).containsEntry("TOKEN_EXCHANGE_DPOP", "true");
    }

    @Test
    void tokenExchangeDPoPFalseExchangesForBearerTokens() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of("TOKEN_EXCHANGE_DPOP", "false"));

        assertThat(config.dpop()).isFalse();
        assertThat(config.describe()).containsEntry("TOKEN_EXCHANGE_DPOP", "false").doesNotContainKey("DPOP_KEY_FILE");
    }

    @Test
    void tokenExchangeDPoPMustBeTrueOrFalse() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of("TOKEN_EXCHANGE_DPOP", "off")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TOKEN_EXCHANGE_DPOP must be true or false: off");
    }

    @Test
    void aDPoPKeyFileWithoutDPoPIsRefused() {
        assertThatThrownBy(() -> DEFAULTS.withEnvironment(Map.of("TOKEN_EXCHANGE_DPOP", "false",
                "DPOP_KEY_FILE", "/run/secrets/dpop-key.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("DPOP_KEY_FILE is set but TOKEN_EXCHANGE_DPOP is false");
    }

    @Test
    void aBearerFleetNeedsNoDPoPKey() {
        CountriesServerConfig config = DEFAULTS.withEnvironment(Map.of("TOKEN_EXCHANGE_DPOP", "false",
                "REDIS_URL", "redis://127.0.0.1:6379", "REDIS_SECRET", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));

        assertThat(config.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(config.dpop()).isFalse();
    }
}
