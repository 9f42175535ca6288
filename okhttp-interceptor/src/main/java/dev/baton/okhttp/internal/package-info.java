/**
 * The implementation of Baton's OkHttp adapter: routes and their lookup, the header strategies and
 * the network half that writes a custom header, the wait for an exchange within a call's lifetime,
 * and the checks before a request goes out. Not API: nothing here is covered by compatibility
 * promises; use {@link dev.baton.okhttp}.
 */
package dev.baton.okhttp.internal;
