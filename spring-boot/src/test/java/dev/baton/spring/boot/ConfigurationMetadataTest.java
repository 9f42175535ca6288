package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata Spring Boot's processor generates from {@link BatonProperties} is in the
 * jar's resources, so IDEs complete and document every {@code baton.*} property; and the
 * auto-configurations are listed where Spring Boot looks for them.
 */
class ConfigurationMetadataTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyPropertyGroupIsDescribedForIdeCompletion() throws IOException {
        String metadata = resource("META-INF/spring-configuration-metadata.json");
        assertThat(metadata).contains("\"baton.resource-server.audience\"", "\"baton.resource-server.tool-scopes\"",
                "\"baton.token-exchange.client-secret\"", "\"baton.routes\"", "\"baton.allow-http-on-loopback\"");
        assertThat(metadata).contains("The audience the tokens must contain in \\\"aud\\\"");
    }

    @Test
    void theSharedCachePropertiesAreDescribedWithoutAnyValueForTheSecret() throws IOException {
        String metadata = resource("META-INF/spring-configuration-metadata.json");
        assertThat(metadata).contains("\"baton.token-exchange.shared-cache.redis.url\"",
                "\"baton.token-exchange.shared-cache.redis.secret\"", "\"baton.token-exchange.shared-cache.redis.cluster\"",
                "\"baton.token-exchange.shared-cache.redis.lease-time\"", "\"baton.token-exchange.dpop-key\"");
        int secret = metadata.indexOf("\"name\": \"baton.token-exchange.shared-cache.redis.secret\"");
        assertThat(secret).isPositive();
        int end = metadata.indexOf('}', secret);
        assertThat(metadata.substring(secret, end)).doesNotContain("defaultValue");
    }

    @Test
    void theAutoConfigurationsAreRegistered() throws IOException {
        assertThat(resource("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports").lines())
                .containsExactlyInAnyOrder(BatonAutoConfiguration.class.getName(),
                        BatonServletAutoConfiguration.class.getName(), BatonHttpClientAutoConfiguration.class.getName(),
                        BatonMcpServerAutoConfiguration.class.getName(), BatonSecurityAutoConfiguration.class.getName(),
                        BatonObservabilityAutoConfiguration.class.getName(),
                        BatonSharedCacheAutoConfiguration.class.getName());
    }
}
