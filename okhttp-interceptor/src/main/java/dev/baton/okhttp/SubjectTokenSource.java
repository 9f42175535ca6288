package dev.baton.okhttp;

import dev.baton.ThreadBoundToken;
import java.util.Optional;
import okhttp3.Request;

/**
 * Where {@link TokenExchangeInterceptor} finds the user's token for a routed request that carries
 * no token tag.
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
     * Reads the token the servlet filter bound to the current thread ({@link ThreadBoundToken}).
     * It sees the token only for synchronous calls made on the thread serving the incoming request;
     * asynchronous calls ({@code enqueue}) run on other threads: tag those requests instead.
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
