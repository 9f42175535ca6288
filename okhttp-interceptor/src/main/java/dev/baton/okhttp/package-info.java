/**
 * Baton's OkHttp adapter: {@link dev.baton.okhttp.TokenExchangeInterceptor} puts an RFC 8693
 * exchanged token, minted for the current user, on every call to a configured backend and on
 * nothing else. {@link dev.baton.okhttp.RouteBuilder} says how each route exchanges and where the
 * token goes.
 *
 * <p>The user's token travels with the request as a tag: the {@code ValidatedToken} the validator
 * accepted ({@code ValidatedToken.class}), or a raw {@link dev.baton.okhttp.SubjectToken}; a
 * {@link dev.baton.okhttp.SubjectTokenSource} is asked for requests without a tag.
 * Every failure is an {@link java.io.IOException}: {@link dev.baton.okhttp.TokenExchangeIOException},
 * {@link dev.baton.okhttp.MissingSubjectTokenException} or
 * {@link dev.baton.okhttp.TokenInjectionException}.
 */
package dev.baton.okhttp;
