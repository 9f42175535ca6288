package dev.baton.internal.http;

import dev.baton.EndpointObserver;
import dev.baton.internal.Listeners;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call as its {@link EndpointObserver} sees it: started with the endpoint's URL stripped of
 * query, fragment and user info (an observer never sees a query string, which could carry a
 * token or a secret), ended at most once with a status or a short fixed reason, never an
 * exception's message. Whatever the observer throws is contained ({@link Listeners#safely}).
 */
final class CallReport {
    private final EndpointObserver.Call call;
    private final AtomicBoolean ended = new AtomicBoolean();

    private CallReport(EndpointObserver.Call call) {
        this.call = call;
    }

    static CallReport start(EndpointObserver observer, EndpointObserver.Endpoint endpoint, URI uri) {
        EndpointObserver.Call[] started = new EndpointObserver.Call[1];
        Listeners.safely(() -> started[0] = observer.start(endpoint, BoundedHttp.withoutQuery(uri)));
        return new CallReport(started[0]);
    }

    void responded(int status) {
        if (call != null && ended.compareAndSet(false, true)) {
            Listeners.safely(() -> call.responded(status));
        }
    }

    void failed(Throwable failure) {
        if (call != null && ended.compareAndSet(false, true)) {
            String reason = reason(failure);
            Listeners.safely(() -> call.failed(reason));
        }
    }

    private static String reason(Throwable failure) {
        if (failure instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (failure instanceof BoundedHttp.BodyTooLargeException) {
            return "body too large";
        }
        if (failure instanceof InterruptedIOException) {
            return "interrupted";
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        if (failure instanceof CancellationException) {
            return "cancelled";
        }
        // A class name is a fixed word chosen by the JDK, never remote text or a secret.
        return failure.getClass().getSimpleName();
    }
}
