package dev.baton.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of every response from an authorization server (see {@link BoundedHttp}), read into
 * memory up to {@code max} bytes; a larger one, declared or read, fails with a
 * {@link BoundedHttp.BodyTooLargeException} and cancels the rest, as does {@link #fail} with its failure.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    CappedBody(int max, long declared) {
        this.max = max;
        if (declared > max) {
            body.completeExceptionally(new BoundedHttp.BodyTooLargeException(max));
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
                fail(new BoundedHttp.BodyTooLargeException(max));
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

    /** A body handler that fails as soon as the body (declared or read) exceeds {@code max} bytes. */
    static HttpResponse.BodyHandler<byte[]> capped(int max) {
        return info -> new CappedBody(max, declared(info));
    }

    private static long declared(HttpResponse.ResponseInfo info) {
        return info.headers().firstValueAsLong("content-length").orElse(-1L);
    }

    /**
     * The body handler of a call sent on the calling thread: a {@link CappedBody}, ended by {@link
     * #expire} at the deadline, which the JDK's response timeout no longer covers once the headers
     * are in. Expiring before the headers arrive fails the body as soon as it starts.
     */
    static final class Watched implements HttpResponse.BodyHandler<byte[]> {
        private final int max;
        private final Duration deadline;
        private volatile CappedBody body;
        private volatile boolean expired;

        Watched(int max, Duration deadline) {
            this.max = max;
            this.deadline = deadline;
        }

        @Override
        public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
            CappedBody b = new CappedBody(max, declared(info));
            body = b;
            if (expired) {
                b.fail(BoundedHttp.timeout(deadline));
            }
            return b;
        }

        void expire() {
            expired = true;
            CappedBody b = body;
            if (b != null) {
                b.fail(BoundedHttp.timeout(deadline));
            }
        }
    }
}
