package dev.baton.okhttp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The network-level half of the custom-header strategy: writes the exchanged token into the
 * custom header only when the request about to go on the wire is on the routed origin.
 *
 * <p>OkHttp removes {@code Authorization} from a redirect to another host, but copies every other
 * header, so a custom header set by an application interceptor would follow a redirect anywhere.
 * Written here instead, at the network level, the header exists only on requests to the route's
 * origin.
 */
final class CustomHeaderWriter implements Interceptor {
    static final CustomHeaderWriter INSTANCE = new CustomHeaderWriter();

    private CustomHeaderWriter() {
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        HeaderGrant grant = request.tag(HeaderGrant.class);
        if (grant == null) {
            return chain.proceed(request);
        }
        String value = grant.valueFor(request.url());
        Request.Builder out = request.newBuilder();
        if (value == null) {
            out.removeHeader(grant.header());
        } else {
            out.header(grant.header(), value);
        }
        return chain.proceed(out.build());
    }

    @Override
    public String toString() {
        return "TokenExchangeInterceptor.networkInterceptor()";
    }
}
