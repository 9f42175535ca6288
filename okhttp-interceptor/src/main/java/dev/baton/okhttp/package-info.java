/**
 * Baton's OkHttp adapter: {@link dev.baton.okhttp.TokenExchangeInterceptor} puts an RFC 8693
 * exchanged token, minted for the current user, on every call to a configured backend and on
 * nothing else.
 *
 * <p>The user's token travels with the request as a tag ({@code ValidatedToken.class} or
 * {@link dev.baton.okhttp.SubjectToken}) or comes from a {@link dev.baton.okhttp.SubjectTokenSource}.
 * Every failure is an {@link java.io.IOException}: {@link dev.baton.okhttp.TokenExchangeIOException},
 * {@link dev.baton.okhttp.MissingSubjectTokenException} or
 * {@link dev.baton.okhttp.TokenInjectionException}.
 */
package dev.baton.okhttp;
