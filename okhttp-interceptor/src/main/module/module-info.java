/**
 * Baton for OkHttp: {@link dev.baton.okhttp.TokenExchangeInterceptor} puts a token exchanged for
 * the current user on every call to a configured backend. The API is the {@code dev.baton.okhttp}
 * package.
 */
module dev.baton.okhttp {
    requires transitive dev.baton.core;
    requires transitive okhttp3;

    exports dev.baton.okhttp;
}
