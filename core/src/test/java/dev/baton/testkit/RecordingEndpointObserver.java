package dev.baton.testkit;

import dev.baton.EndpointObserver;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link EndpointObserver} that keeps every call and how it ended, for assertions. A call that
 * is ended twice is recorded with {@link Ended#endings()} above one, so a test can tell. Thread-safe.
 */
public final class RecordingEndpointObserver implements EndpointObserver {

    /**
     * One observed call.
     *
     * @param endpoint the endpoint kind
     * @param uri the URL the observer was shown
     * @param status the status it responded with, or -1 when it failed or has not ended
     * @param reason why it failed, or {@code null}
     * @param endings how many times it was ended (exactly one is right)
     */
    public record Ended(Endpoint endpoint, URI uri, int status, String reason, int endings) {
        /** Whether a response arrived. */
        public boolean responded() {
            return status >= 0;
        }
    }

    private final List<Recorded> calls = new CopyOnWriteArrayList<>();

    @Override
    public Call start(Endpoint endpoint, URI uri) {
        Recorded r = new Recorded(endpoint, uri);
        calls.add(r);
        return r;
    }

    /** Every call started so far, in order, with how it ended so far. */
    public List<Ended> calls() {
        List<Ended> out = new ArrayList<>();
        for (Recorded r : calls) {
            out.add(r.snapshot());
        }
        return out;
    }

    /** The calls of one endpoint kind, in order. */
    public List<Ended> calls(Endpoint endpoint) {
        return calls().stream().filter(c -> c.endpoint() == endpoint).toList();
    }

    private static final class Recorded implements Call {
        private final Endpoint endpoint;
        private final URI uri;
        private final AtomicInteger endings = new AtomicInteger();
        private volatile int status = -1;
        private volatile String reason;

        Recorded(Endpoint endpoint, URI uri) {
            this.endpoint = endpoint;
            this.uri = uri;
        }

        @Override
        public void responded(int status) {
            this.status = status;
            endings.incrementAndGet();
        }

        @Override
        public void failed(String reason) {
            this.reason = reason;
            endings.incrementAndGet();
        }

        Ended snapshot() {
            return new Ended(endpoint, uri, status, reason, endings.get());
        }
    }
}
