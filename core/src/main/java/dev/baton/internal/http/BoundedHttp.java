package dev.baton.internal.http;

import dev.baton.EndpointObserver;
import dev.baton.internal.Deadlines;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends one request to an authorization server with the limits Baton puts on every such call:
 * a total deadline that covers the whole response body (a per-read timeout would let a server
 * trickle bytes forever), a cap on the body size checked while reading, and no redirects
 * (the client given must not follow them). Every call is reported to the validator's or exchanger's
 * {@link EndpointObserver} (through {@link CallReport}): this class is the one place that rule lives, since every request Baton
 * sends to an authorization server goes through it. Not API.
 */
public final class BoundedHttp {
    /** Connect timeout of the default client. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Asynchronous calls sent on Baton's sender threads at once; beyond them, they go through {@code sendAsync}. */
    static final int MAX_SENDERS = 64;
    /** How long an idle sender thread waits for another call before it ends. */
    static final long SENDER_KEEP_ALIVE_SECONDS = 3;

    /*
     * Why every call goes through the blocking HttpClient.send: the JDK's sendAsync hands the start of
     * every exchange to the client's executor and completes the returned future through
     * CompletableFuture's default executor, which on a machine with one or two cores (common-pool
     * parallelism below 2) starts a new thread for every response. That thread start, not Baton's
     * work, was most of the cost of a token endpoint call against a raw send (benchmarks/RESULTS.md,
     * row 5). A caller that waits anyway (send) sends on its own thread: every hand-off to another
     * thread and back costs a wake-up, which on a quiet virtual machine is slow. An asynchronous call
     * (sendAsyncBounded) is sent on one of a bounded pool of Baton's threads: when every sender is
     * busy (slow authorization servers, many distinct calls at once), it falls back to sendAsync
     * instead of queueing, so no call ever waits for a thread.
     */
    private static final ThreadPoolExecutor SENDERS = new ThreadPoolExecutor(0, MAX_SENDERS,
            SENDER_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), senderThreads());

    private BoundedHttp() {
    }

    /**
     * A new client for one validator or exchanger that the user gave none: no redirects, 5 s
     * connect timeout. Its owner releases it with {@link #close(HttpClient)}.
     */
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(DEFAULT_CONNECT_TIMEOUT)
                .build();
    }

    /**
     * Releases a client from {@link #newClient()}. From Java 21 an {@link HttpClient} is
     * {@link AutoCloseable} and closing it ends its selector thread once the requests in flight are
     * done (each bounded by Baton's deadlines); on Java 17 the thread ends when the client is no
     * longer referenced, which the owner ensures by dropping it.
     */
    public static void close(HttpClient client) {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // HttpClient.close() declares no exception; if one came, the client is unusable
                // either way and there is nothing for the closing application to act on.
                return;
            }
        }
    }

    /**
     * Checks that a user-supplied client will not follow redirects: a followed 307 would re-send a
     * token or client secret to another host (RFC 9700 §4.12).
     *
     * @throws IllegalArgumentException if it would
     */
    public static HttpClient requireNoRedirects(HttpClient client) {
        Objects.requireNonNull(client, "httpClient");
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException(
                    "the HttpClient must be built with followRedirects(HttpClient.Redirect.NEVER): a followed"
                            + " redirect would re-send tokens and client credentials to another location");
        }
        return client;
    }

    /** A response whose body was read completely within the limits. */
    public record Response(int status, HttpHeaders headers, byte[] body) {
        /** The first value of a header, or {@code null}. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** The response body exceeded the cap. */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(long max) {
            super("response body larger than " + max + " bytes");
        }
    }

    /**
     * Sends {@code request} on the calling thread and reads the whole response within {@code
     * deadline}, reporting the call to {@code observer} as the {@code endpoint} kind (see {@link
     * CallReport}). Until the response headers arrive, the JDK's own response timeout (set to the
     * deadline) ends the call; from then on, the deadline ends the body's reading however slowly it
     * trickles. The calling thread sends the request itself and is woken by the JDK's client when
     * the response is read: no hand-off to another thread on the way (benchmarks/RESULTS.md, row 5).
     *
     * @throws HttpTimeoutException if the deadline passed before the body was read completely
     * @throws BodyTooLargeException if the body is larger than {@code maxBodyBytes}
     * @throws InterruptedIOException if the calling thread was interrupted (its interrupt flag is kept)
     * @throws IOException on any connection failure
     */
    public static Response send(HttpClient client, EndpointObserver observer, EndpointObserver.Endpoint endpoint,
            HttpRequest request, Duration deadline, int maxBodyBytes) throws IOException {
        CallReport report = CallReport.start(observer, endpoint, request.uri());
        CappedBody.Watched body = new CappedBody.Watched(maxBodyBytes, deadline);
        Deadlines.Watch watch = Deadlines.watch(deadline, body::expire);
        try {
            HttpResponse<byte[]> response = client.send(withTimeout(request, deadline), body);
            report.responded(response.statusCode());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (InterruptedException e) {
            // HttpClient.send cancelled the exchange (and closed its connection) on the way out.
            Thread.currentThread().interrupt();
            InterruptedIOException failure = new InterruptedIOException(
                    "interrupted while waiting for the authorization server");
            report.failed(failure);
            throw failure;
        } catch (IOException | RuntimeException e) {
            Throwable cause = original(e);
            report.failed(cause);
            throw unwrap(cause);
        } finally {
            watch.cancel();
        }
    }

    /**
     * The asynchronous form of {@link #send}: completes with the response, or exceptionally with
     * an {@link IOException} (including {@link HttpTimeoutException} at the deadline). The call is
     * reported to {@code observer} before the returned future completes.
     */
    public static CompletableFuture<Response> sendAsyncBounded(HttpClient client, EndpointObserver observer,
            EndpointObserver.Endpoint endpoint, HttpRequest request, Duration deadline, int maxBodyBytes) {
        Call call = new Call(CallReport.start(observer, endpoint, request.uri()));
        // At the deadline the exchange itself is aborted, so the connection is closed instead of
        // reading a trickled body on in the background (orTimeout would only complete the future).
        // The abort runs on Baton's async pool: callers' callbacks then run there, never on the timer
        // thread, so one blocking callback cannot postpone other deadlines.
        call.watch = Deadlines.watch(deadline, () -> call.abort(timeout(deadline)));
        call.start(client, withTimeout(request, deadline), maxBodyBytes);
        return call.result;
    }

    /**
     * The request with the JDK's own response timeout set to the deadline, unless it has one (the
     * token endpoint client sets it when it builds the request, sparing this copy). Baton's abort
     * is what ends a call at its deadline; the JDK's timeout is a second, independent stop, so that an
     * exchange the JDK's cancellation did not reach still ends and releases its client.
     */
    static HttpRequest withTimeout(HttpRequest request, Duration deadline) {
        return request.timeout().isPresent() ? request
                : HttpRequest.newBuilder(request, (name, value) -> true).timeout(deadline).build();
    }

    private static java.util.concurrent.ThreadFactory senderThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            // Daemon: an idle sender never keeps the application's JVM alive; idle ones end on their own
            // after SENDER_KEEP_ALIVE_SECONDS, so a redeployed application leaves none behind.
            Thread t = new Thread(r, "baton-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static HttpTimeoutException timeout(Duration deadline) {
        return new HttpTimeoutException("no complete response within " + deadline.toMillis() + " ms");
    }

    /**
     * One call: sent by {@link HttpClient#send} on one of the {@link #SENDERS}, or by
     * {@link HttpClient#sendAsync} when all of them are busy, and settled exactly once, by its
     * response, its failure or {@link #abort} (the deadline), whichever comes
     * first. Only the first is reported, and reported before {@link #result} completes, so whoever
     * waits on the result (a retry, a test) sees the observer already told.
     */
    private static final class Call {
        private final CallReport report;
        private final AtomicBoolean settled = new AtomicBoolean();
        final CompletableFuture<Response> result = new CompletableFuture<>();
        /** The call's deadline, set right after the call is made. */
        volatile Deadlines.Watch watch;
        /** What {@link #abort} cancels: the sender's task, or the JDK's future on the fallback path. */
        private volatile Future<?> sending;

        Call(CallReport report) {
            this.report = report;
        }

        void start(HttpClient client, HttpRequest request, int maxBodyBytes) {
            Future<?> task;
            try {
                task = SENDERS.submit(() -> sendOnThisThread(client, request, maxBodyBytes));
            } catch (RejectedExecutionException allBusy) {
                try {
                    task = client.sendAsync(request, CappedBody.capped(maxBodyBytes)).whenComplete(this::settle);
                } catch (RuntimeException e) {
                    settle(null, e);
                    return;
                }
            }
            sending = task;
            if (settled.get()) {
                // Aborted before the task was known to abort(): cancel it here (cancelling twice is harmless).
                task.cancel(true);
            }
        }

        private void sendOnThisThread(HttpClient client, HttpRequest request, int maxBodyBytes) {
            if (settled.get()) {
                return;
            }
            try {
                settle(client.send(request, CappedBody.capped(maxBodyBytes)), null);
            } catch (InterruptedException e) {
                // Only abort() interrupts a sender, once the call is settled; HttpClient.send has
                // cancelled the exchange (and closed its connection) on the way out.
                settle(null, e);
            } catch (IOException | RuntimeException e) {
                settle(null, e);
            }
        }

        /** Ends the call with {@code failure} unless it has ended, and stops the exchange. */
        void abort(IOException failure) {
            if (settle(null, failure)) {
                Future<?> s = sending;
                if (s != null) {
                    s.cancel(true);
                }
            }
        }

        private boolean settle(HttpResponse<byte[]> response, Throwable error) {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            Deadlines.Watch w = watch;
            if (w != null) {
                // Done in time: stop watching now rather than keep this call referenced until the deadline.
                w.cancel();
            }
            if (error == null) {
                report.responded(response.statusCode());
                result.complete(new Response(response.statusCode(), response.headers(), response.body()));
                return true;
            }
            Throwable cause = original(error);
            report.failed(cause);
            result.completeExceptionally(unwrap(cause));
            return true;
        }
    }

    /**
     * The failure as it happened: {@link HttpClient#send} rethrows a body handler's exception
     * wrapped in a plain {@link IOException} (ours is a {@link BodyTooLargeException}), and the
     * asynchronous path wraps failures in a {@code CompletionException}.
     */
    private static Throwable original(Throwable error) {
        Throwable t = error;
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t.getClass() == IOException.class && t.getCause() instanceof BodyTooLargeException tooLarge) {
            return tooLarge;
        }
        return t;
    }

    private static IOException unwrap(Throwable t) {
        if (t instanceof IOException io) {
            return io;
        }
        return new IOException("request to the authorization server failed: " + t.getClass().getSimpleName(), t);
    }

    /** {@code uri} without its query, fragment and user info. */
    static URI withoutQuery(URI uri) {
        if (uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null
                && uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            // Nothing to strip (a token endpoint's usual URL): the same URI, not a new one parsed per call.
            return uri;
        }
        String authority = uri.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return URI.create(uri.getScheme() + "://" + (authority == null ? "" : authority) + path);
    }
}
