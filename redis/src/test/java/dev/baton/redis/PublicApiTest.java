package dev.baton.redis;

import dev.baton.testkit.ApiListing;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The module's public API equals the checked-in listing {@code api/baton-redis.api}. Regenerate with
 * {@code -Dbaton.updateApi=true}.
 */
class PublicApiTest {
    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertMatches(Path.of("api", "baton-redis.api"), "dev.baton.redis");
    }
}
