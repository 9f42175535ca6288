package dev.baton.internal.http;

import dev.baton.EndpointObserver;
import dev.baton.internal.Listeners;
import dev.baton.internal.Deadlines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
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
 * {@link EndpointObserver}: this class is the one place that rule lives, since every request Baton
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
     * Report}). Until the response headers arrive, the JDK's own response timeout (set to the
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
        Report report = Report.start(observer, endpoint, request.uri());
        WatchedBody body = new WatchedBody(maxBodyBytes, deadline);
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
        Call call = new Call(Report.start(observer, endpoint, request.uri()));
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

    private static HttpTimeoutException timeout(Duration deadline) {
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
        private final Report report;
        private final AtomicBoolean settled = new AtomicBoolean();
        final CompletableFuture<Response> result = new CompletableFuture<>();
        /** The call's deadline, set right after the call is made. */
        volatile Deadlines.Watch watch;
        /** What {@link #abort} cancels: the sender's task, or the JDK's future on the fallback path. */
        private volatile Future<?> sending;

        Call(Report report) {
            this.report = report;
        }

        void start(HttpClient client, HttpRequest request, int maxBodyBytes) {
            Future<?> task;
            try {
                task = SENDERS.submit(() -> sendOnThisThread(client, request, maxBodyBytes));
            } catch (RejectedExecutionException allBusy) {
                try {
                    task = client.sendAsync(request, capped(maxBodyBytes)).whenComplete(this::settle);
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
                settle(client.send(request, capped(maxBodyBytes)), null);
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

    /**
     * One call as its {@link EndpointObserver} sees it: started with the endpoint's URL stripped of
     * query, fragment and user info (an observer never sees a query string, which could carry a
     * token or a secret), ended at most once with a status or a short fixed reason, never an
     * exception's message. Whatever the observer throws is contained ({@link Listeners#safely}).
     */
    private static final class Report {
        private final EndpointObserver.Call call;
        private final AtomicBoolean ended = new AtomicBoolean();

        private Report(EndpointObserver.Call call) {
            this.call = call;
        }

        static Report start(EndpointObserver observer, EndpointObserver.Endpoint endpoint, URI uri) {
            EndpointObserver.Call[] started = new EndpointObserver.Call[1];
            Listeners.safely(() -> started[0] = observer.start(endpoint, withoutQuery(uri)));
            return new Report(started[0]);
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
            if (failure instanceof BodyTooLargeException) {
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

    /** A body handler that fails as soon as the body (declared or read) exceeds {@code max} bytes. */
    public static HttpResponse.BodyHandler<byte[]> capped(int max) {
        return info -> new Capped(max, declared(info));
    }

    private static long declared(HttpResponse.ResponseInfo info) {
        return info.headers().firstValueAsLong("content-length").orElse(-1L);
    }

    /**
     * The body handler of a call sent on the calling thread: {@link Capped}, and ended by {@link
     * #expire} at the deadline, which the JDK's response timeout no longer covers once the headers
     * are in. Expiring before the headers arrive fails the body as soon as it starts.
     */
    private static final class WatchedBody implements HttpResponse.BodyHandler<byte[]> {
        private final int max;
        private final Duration deadline;
        private volatile Capped body;
        private volatile boolean expired;

        WatchedBody(int max, Duration deadline) {
            this.max = max;
            this.deadline = deadline;
        }

        @Override
        public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
            Capped b = new Capped(max, declared(info));
            body = b;
            if (expired) {
                b.fail(timeout(deadline));
            }
            return b;
        }

        void expire() {
            expired = true;
            Capped b = body;
            if (b != null) {
                b.fail(timeout(deadline));
            }
        }
    }

    /**
     * Reads a body into memory up to {@code max} bytes; a larger one, declared or read, fails with a
     * {@link BodyTooLargeException} and cancels the rest, as does {@link #fail} with its failure.
     */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;

        Capped(int max, long declared) {
            this.max = max;
            if (declared > max) {
                body.completeExceptionally(new BodyTooLargeException(max));
            }
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        /** Ends the body with {@code failure} unless it has ended, and stops reading it. */
        void fail(IOException failure) {
            if (body.completeExceptionally(failure)) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (body.isDone()) {
                // Failed before reading began: too large as declared, or the deadline passed.
                s.cancel();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (buffer.size() + (long) b.remaining() > max) {
                    fail(new BodyTooLargeException(max));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(buffer.toByteArray());
        }
    }
}
