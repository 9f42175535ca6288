package dev.baton.okhttp;

import dev.baton.ThreadBoundToken;
import dev.baton.ValidatedToken;
import java.util.Optional;
import okhttp3.Request;

/**
 * Where {@link TokenExchangeInterceptor} finds the user's token for a routed request that carries
 * no token tag.
 *
 * <p>There is one hand-off from the incoming request to the outgoing call: the
 * {@link ValidatedToken} the validator (or the servlet filter) accepted, put on the outgoing request
 * as its tag {@code ValidatedToken.class}. Being explicit, the tag travels with the request to
 * whatever thread runs the call. A source is a view of that same token from somewhere else, asked
 * only when the request has no tag: {@link #threadBound()} reads the token the servlet filter bound
 * to the thread serving the incoming request, a convenience for synchronous calls made on that
 * thread.
 *
 * <p>The interceptor looks in this order: the request's {@code ValidatedToken} tag, its
 * {@link SubjectToken} tag, then the configured source. When none yields a token the request fails
 * with {@link MissingSubjectTokenException} and is not sent.
 *
 * <pre>{@code
 * TokenExchangeInterceptor.builder(exchanger)
 *     .route("https://api.example.com/graphql", r -> r.audience("backend"))
 *     .subjectTokenSource(SubjectTokenSource.threadBound())
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface SubjectTokenSource {

    /**
     * The subject token for {@code request}, or empty when this source has none. Called on the
     * thread that runs the interceptor: for a synchronous call the caller's thread, for
     * {@code enqueue} an OkHttp dispatcher thread. An exception thrown here fails the call with
     * {@link MissingSubjectTokenException}.
     *
     * @param request the request being sent, never null
     * @return the subject token, or empty
     */
    Optional<SubjectToken> subjectToken(Request request);

    /**
     * The {@link ValidatedToken} bound to the current thread ({@link ThreadBoundToken#current()}),
     * as the servlet filter binds it while it serves a request. It sees the token only for
     * synchronous calls made on that thread; asynchronous calls ({@code enqueue}) run on other
     * threads and find nothing: tag those requests instead.
     *
     * @return a source reading {@link ThreadBoundToken#current()}
     */
    static SubjectTokenSource threadBound() {
        return request -> ThreadBoundToken.current().map(SubjectToken::of);
    }

    /**
     * A source that never has a token: only tagged requests can be routed. The default.
     *
     * @return the empty source
     */
    static SubjectTokenSource none() {
        return request -> Optional.empty();
    }
}
