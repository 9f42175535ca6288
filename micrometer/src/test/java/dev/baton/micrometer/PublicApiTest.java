package dev.baton.micrometer;

import dev.baton.testkit.ApiListing;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The module's public API equals the checked-in listing {@code api/baton-micrometer.api}: a change to
 * it is deliberate, reviewed, and noted in the CHANGELOG. Regenerate with {@code -Dbaton.updateApi=true}.
 */
class PublicApiTest {
    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertMatches(Path.of("api", "baton-micrometer.api"), "dev.baton.micrometer");
    }
}
