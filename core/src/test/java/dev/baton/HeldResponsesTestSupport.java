package dev.baton;

import java.util.concurrent.CountDownLatch;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;

/**
 * A mock authorization server whose held answers wait on {@link #release}: the test releases them
 * when it wants to, and they are released after each test in any case, so none stays held.
 */
abstract class HeldResponsesTestSupport {
    @StartStop
    final MockWebServer server = new MockWebServer();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHeldResponses() {
        release.countDown();
    }
}
