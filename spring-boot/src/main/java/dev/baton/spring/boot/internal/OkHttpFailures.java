package dev.baton.spring.boot.internal;

import dev.baton.internal.routing.RouteTable;
import dev.baton.okhttp.MissingSubjectTokenException;
import dev.baton.okhttp.TokenExchangeIOException;
import dev.baton.okhttp.TokenInjectionException;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * An OkHttp application interceptor, added before baton-okhttp's, that leaves the reason a routed
 * call was not sent in {@link ToolCallFailures} for the MCP tool call on this thread. It changes no
 * request and rethrows what it sees. Not API.
 */
public final class OkHttpFailures implements Interceptor {
    private final RouteTable<ConfiguredRoute> routes;

    /** For the routes of {@code baton.routes}. */
    public OkHttpFailures(RouteTable<ConfiguredRoute> routes) {
        this.routes = routes;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        try {
            return chain.proceed(chain.request());
        } catch (TokenExchangeIOException | MissingSubjectTokenException | TokenInjectionException e) {
            ConfiguredRoute route = routes.routeFor(chain.request().url().uri());
            ToolCallFailures.record(route == null ? ConfiguredRoute.DEFAULT_NAME : route.name(), e);
            throw e;
        }
    }
}
