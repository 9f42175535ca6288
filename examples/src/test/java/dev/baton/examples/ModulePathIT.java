package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.TokenValidator;
import dev.baton.mcp.McpAuthorizationFilter;
import dev.baton.micrometer.BatonMetrics;
import dev.baton.okhttp.TokenExchangeInterceptor;
import dev.baton.redis.RedisTokenCache;
import dev.baton.servlet.BearerTokenFilter;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published jars as an application on the module path sees them: they resolve as named
 * modules, and only the API packages are readable; {@code dev.baton.internal} is exported to
 * Baton's own adapters and to nobody else, {@code dev.baton.servlet.internal} to baton-mcp alone.
 * Runs after packaging (Failsafe), on the jars themselves.
 */
class ModulePathIT {
    private static final Path CORE = jarOf(TokenValidator.class);
    private static final Path OKHTTP = jarOf(TokenExchangeInterceptor.class);
    private static final Path SERVLET = jarOf(BearerTokenFilter.class);
    private static final Path MCP = jarOf(McpAuthorizationFilter.class);
    private static final Path MICROMETER = jarOf(BatonMetrics.class);
    private static final Path REDIS = jarOf(RedisTokenCache.class);

    @Test
    void coreExportsOnlyItsApiAndOpensItsInternalsToTheAdaptersAlone() {
        ModuleDescriptor core = ModuleFinder.of(CORE).find("dev.baton.core").orElseThrow().descriptor();

        Map<String, Set<String>> exports = core.exports().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
        assertThat(exports).containsOnly(
                Map.entry("dev.baton", Set.of()),
                Map.entry("dev.baton.internal", Set.of("dev.baton.okhttp", "dev.baton.servlet", "dev.baton.mcp",
                        "dev.baton.redis")),
                Map.entry("dev.baton.internal.dpop", Set.of("dev.baton.okhttp")));
        assertThat(core.packages()).contains("dev.baton.internal.exchange", "dev.baton.internal.validation");
    }

    @Test
    void adaptersExportOnlyTheirApiPackage() {
        ModuleFinder finder = ModuleFinder.of(OKHTTP, SERVLET);

        assertThat(finder.find("dev.baton.okhttp").orElseThrow().descriptor().exports())
                .extracting(ModuleDescriptor.Exports::source).containsExactly("dev.baton.okhttp");
        Map<String, Set<String>> servletExports = finder.find("dev.baton.servlet").orElseThrow().descriptor().exports()
                .stream().collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
        assertThat(servletExports).containsOnly(
                Map.entry("dev.baton.servlet", Set.of()),
                Map.entry("dev.baton.servlet.internal", Set.of("dev.baton.mcp")));
    }

    @Test
    void mcpModuleExportsOnlyItsApiPackage() {
        assertThat(ModuleFinder.of(MCP).find("dev.baton.mcp").orElseThrow().descriptor().exports())
                .extracting(ModuleDescriptor.Exports::source).containsExactly("dev.baton.mcp");
    }

    @Test
    void micrometerModuleExportsOnlyItsApiPackageAndNeedsNoInternals() {
        ModuleDescriptor micrometer = ModuleFinder.of(MICROMETER).find("dev.baton.micrometer").orElseThrow()
                .descriptor();
        ModuleLayer layer = layer();

        assertThat(micrometer.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("dev.baton.micrometer");
        assertThat(layer.findModule("dev.baton.core").orElseThrow().isExported("dev.baton.internal",
                layer.findModule("dev.baton.micrometer").orElseThrow())).isFalse();
    }

    @Test
    void redisModuleExportsOnlyItsApiPackage() {
        assertThat(ModuleFinder.of(REDIS).find("dev.baton.redis").orElseThrow().descriptor().exports())
                .extracting(ModuleDescriptor.Exports::source).containsExactly("dev.baton.redis");
    }

    @Test
    void theModulesResolveWithTheirDependenciesAndServeTheApi() throws Exception {
        ModuleLayer layer = layer();

        assertThat(layer.findModule("dev.baton.okhttp")).isPresent();
        assertThat(layer.findModule("dev.baton.servlet")).isPresent();
        Class<?> filter = layer.findLoader("dev.baton.mcp").loadClass("dev.baton.mcp.McpAuthorizationFilter");
        assertThat(filter.getModule().getName()).isEqualTo("dev.baton.mcp");
        Class<?> shared = layer.findLoader("dev.baton.redis").loadClass("dev.baton.redis.RedisTokenCache");
        assertThat(shared.getModule().getName()).isEqualTo("dev.baton.redis");
        assertThat(shared.getMethod("builder").invoke(null)).isNotNull();
        Class<?> metrics = layer.findLoader("dev.baton.micrometer").loadClass("dev.baton.micrometer.BatonMetrics");
        assertThat(metrics.getModule().getName()).isEqualTo("dev.baton.micrometer");
        Class<?> validator = layer.findLoader("dev.baton.core").loadClass("dev.baton.TokenValidator");
        assertThat(validator.getModule().getName()).isEqualTo("dev.baton.core");
        assertThat(validator.getMethod("builder").invoke(null)).isNotNull();
    }

    @Test
    void internalsAreNotAccessibleToApplicationCode() throws Exception {
        ModuleLayer layer = layer();
        Class<?> endpoints = layer.findLoader("dev.baton.core").loadClass("dev.baton.internal.Endpoints");

        assertThat(endpoints.getModule().isExported("dev.baton.internal")).isFalse();
        assertThat(endpoints.getModule().isExported("dev.baton.internal", layer.findModule("dev.baton.okhttp")
                .orElseThrow())).isTrue();
        assertThatThrownBy(() -> endpoints.getMethod("isLoopback", String.class).invoke(null, "localhost"))
                .isInstanceOf(IllegalAccessException.class);
    }

    /** The published jars plus the class path's jars they need, resolved as a layer. */
    private static ModuleLayer layer() {
        List<Path> path = Stream.concat(Stream.of(CORE, OKHTTP, SERVLET, MCP, MICROMETER, REDIS), dependencies())
                .toList();
        ModuleFinder finder = ModuleFinder.of(path.toArray(Path[]::new));
        // A system module that the boot layer of this class-path test JVM did not resolve comes from the
        // runtime image, as it would for an application started on the module path: jdk.crypto.ec, which
        // nimbus-jose-jwt requires, is no longer among the default modules from JDK 24 on.
        Configuration config = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.ofSystem(),
                        Set.of("dev.baton.okhttp", "dev.baton.servlet", "dev.baton.mcp", "dev.baton.micrometer",
                                "dev.baton.redis"));
        return ModuleLayer.boot().defineModulesWithOneLoader(config, ClassLoader.getPlatformClassLoader());
    }

    /** The third-party jars of the published modules, taken from the test class path. */
    private static Stream<Path> dependencies() {
        List<String> needed = List.of("nimbus-jose-jwt", "oauth2-oidc-sdk", "json-smart", "accessors-smart", "asm-",
                "content-type", "lang-tag", "jcip-annotations", "caffeine", "slf4j-api", "okhttp-jvm", "okio-jvm",
                "kotlin-stdlib", "jakarta.servlet-api", "mcp-core-", "reactor-core", "reactive-streams",
                "jackson-annotations", "micrometer-core-", "micrometer-observation-", "micrometer-commons-",
                "lettuce-core", "netty-", "redis-authx-core");
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(p -> p.getFileName() != null && p.getFileName().toString().endsWith(".jar"))
                .filter(p -> needed.stream().anyMatch(n -> p.getFileName().toString().startsWith(n)));
    }

    private static Path jarOf(Class<?> type) {
        try {
            Path p = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            assertThat(p.toString()).as("%s must come from its packaged jar (run with ./mvnw verify)", type)
                    .endsWith(".jar");
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
