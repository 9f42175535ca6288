package dev.baton.spring.boot;

import dev.baton.testkit.ApiListing;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The starter's public API equals the checked-in listing {@code api/baton-spring-boot-starter.api}: a
 * change to it is deliberate, reviewed, and noted in the CHANGELOG. Regenerate with
 * {@code -Dbaton.updateApi=true}.
 */
class PublicApiTest {
    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertMatches(Path.of("api", "baton-spring-boot-starter.api"), "dev.baton.spring.boot");
    }
}
