package dev.baton.okhttp.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The network-level half of the custom-header strategy: writes the exchanged token into the
 * custom header only when the request about to go on the wire is on the route (same origin and
 * under the route's path prefix).
 *
 * <p>OkHttp removes {@code Authorization} from a redirect to another host, but copies every other
 * header, so a custom header set by an application interceptor would follow a redirect anywhere.
 * Written here instead, at the network level, the header exists only on requests the route
 * covers, and the response handed back up the chain refers to the request without it. Not API.
 */
public final class CustomHeaderWriter implements Interceptor {
    /** The one instance: it holds no state. */
    public static final CustomHeaderWriter INSTANCE = new CustomHeaderWriter();

    private CustomHeaderWriter() {
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        HeaderGrant grant = request.tag(HeaderGrant.class);
        if (grant == null) {
            return chain.proceed(request);
        }
        Request withoutToken = request.newBuilder().removeHeader(grant.header()).build();
        String value = grant.valueFor(request.url());
        if (value == null) {
            return chain.proceed(withoutToken);
        }
        Response response = chain.proceed(withoutToken.newBuilder().header(grant.header(), value).build());
        // OkHttp redacts only Authorization-like headers in Request.toString(); the response keeps
        // the request it answers (networkResponse().request(), priorResponse()), so hand back the
        // request without the token and the token lives no longer than the exchange on the wire.
        return response.newBuilder().request(withoutToken).build();
    }

    @Override
    public String toString() {
        return "TokenExchangeInterceptor network half (custom headers)";
    }
}
