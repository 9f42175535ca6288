package dev.baton.benchmarks;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Authenticator;
import okhttp3.Cache;
import okhttp3.Call;
import okhttp3.CertificatePinner;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.CookieJar;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A minimal application-interceptor {@link Interceptor.Chain}: {@link #proceed} returns one canned
 * {@link Response} without any I/O, and every {@code withX} returns this chain, so what is measured
 * is the interceptor's own work. {@link #connection()} is {@code null}, as for an application
 * interceptor. Calls that would need a real client ({@link #call()}) fail loudly: a cache hit never
 * makes them.
 */
final class CannedChain implements Interceptor.Chain {
    private final Request request;
    private final Response response;
    private final Interceptor networkHalf;
    private Request lastSent;

    CannedChain(Request request, Response response) {
        this(request, response, null);
    }

    /**
     * A chain whose {@link #proceed} first runs {@code networkHalf} (a network interceptor, such as
     * the one that signs DPoP proofs) on a canned chain of its own, as OkHttp would below the
     * application interceptors.
     */
    CannedChain(Request request, Response response, Interceptor networkHalf) {
        this.request = request;
        this.response = response;
        this.networkHalf = networkHalf;
    }

    /** The request last passed to {@link #proceed}, for the set-up's sanity check. */
    Request lastSent() {
        return lastSent;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public Response proceed(Request sent) throws IOException {
        lastSent = sent;
        return networkHalf == null ? response : networkHalf.intercept(new CannedChain(sent, response));
    }

    @Override
    public Connection connection() {
        return null;
    }

    @Override
    public Call call() {
        throw new UnsupportedOperationException("a cache hit does not wait on the call");
    }

    @Override
    public int connectTimeoutMillis() {
        return 10_000;
    }

    @Override
    public Interceptor.Chain withConnectTimeout(int timeout, TimeUnit unit) {
        return this;
    }

    @Override
    public int readTimeoutMillis() {
        return 10_000;
    }

    @Override
    public Interceptor.Chain withReadTimeout(int timeout, TimeUnit unit) {
        return this;
    }

    @Override
    public int writeTimeoutMillis() {
        return 10_000;
    }

    @Override
    public Interceptor.Chain withWriteTimeout(int timeout, TimeUnit unit) {
        return this;
    }

    @Override
    public boolean getFollowSslRedirects() {
        return true;
    }

    @Override
    public boolean getFollowRedirects() {
        return true;
    }

    @Override
    public Dns getDns() {
        return Dns.SYSTEM;
    }

    @Override
    public Interceptor.Chain withDns(Dns dns) {
        return this;
    }

    @Override
    public SocketFactory getSocketFactory() {
        return SocketFactory.getDefault();
    }

    @Override
    public Interceptor.Chain withSocketFactory(SocketFactory socketFactory) {
        return this;
    }

    @Override
    public boolean getRetryOnConnectionFailure() {
        return true;
    }

    @Override
    public Interceptor.Chain withRetryOnConnectionFailure(boolean retry) {
        return this;
    }

    @Override
    public Authenticator getAuthenticator() {
        return Authenticator.NONE;
    }

    @Override
    public Interceptor.Chain withAuthenticator(Authenticator authenticator) {
        return this;
    }

    @Override
    public CookieJar getCookieJar() {
        return CookieJar.NO_COOKIES;
    }

    @Override
    public Interceptor.Chain withCookieJar(CookieJar cookieJar) {
        return this;
    }

    @Override
    public Cache getCache() {
        return null;
    }

    @Override
    public Interceptor.Chain withCache(Cache cache) {
        return this;
    }

    @Override
    public Proxy getProxy() {
        return null;
    }

    @Override
    public Interceptor.Chain withProxy(Proxy proxy) {
        return this;
    }

    @Override
    public ProxySelector getProxySelector() {
        return ProxySelector.getDefault();
    }

    @Override
    public Interceptor.Chain withProxySelector(ProxySelector proxySelector) {
        return this;
    }

    @Override
    public Authenticator getProxyAuthenticator() {
        return Authenticator.NONE;
    }

    @Override
    public Interceptor.Chain withProxyAuthenticator(Authenticator authenticator) {
        return this;
    }

    @Override
    public SSLSocketFactory getSslSocketFactoryOrNull() {
        return null;
    }

    @Override
    public Interceptor.Chain withSslSocketFactory(SSLSocketFactory factory, X509TrustManager trustManager) {
        return this;
    }

    @Override
    public X509TrustManager getX509TrustManagerOrNull() {
        return null;
    }

    @Override
    public HostnameVerifier getHostnameVerifier() {
        return null;
    }

    @Override
    public Interceptor.Chain withHostnameVerifier(HostnameVerifier verifier) {
        return this;
    }

    @Override
    public CertificatePinner getCertificatePinner() {
        return CertificatePinner.DEFAULT;
    }

    @Override
    public Interceptor.Chain withCertificatePinner(CertificatePinner pinner) {
        return this;
    }

    @Override
    public ConnectionPool getConnectionPool() {
        return null;
    }

    @Override
    public Interceptor.Chain withConnectionPool(ConnectionPool pool) {
        return this;
    }

    @Override
    public EventListener getEventListener() {
        return EventListener.NONE;
    }
}
