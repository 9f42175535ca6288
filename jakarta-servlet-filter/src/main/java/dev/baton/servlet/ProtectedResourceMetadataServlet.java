package dev.baton.servlet;

import dev.baton.servlet.internal.ResourceMetadata;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Serves the RFC 9728 protected resource metadata of a {@link BearerTokenFilter}, for containers
 * that answer 404 to a path no servlet is mapped to before any filter runs (Tomcat without a
 * default servlet, for example an application mapped at {@code /mcp/*} only). Without it, the
 * {@code resource_metadata} URL of every challenge would point at a 404.
 *
 * <p>Map it to {@code /.well-known/oauth-protected-resource} and
 * {@code /.well-known/oauth-protected-resource/*}. It answers exactly the paths the filter answers
 * (the path-inserted URL of the {@linkplain BearerTokenFilter.Builder#resource(String) resource}
 * and the root one), with the same document and headers, and 404 anywhere else. The document is a
 * value built once from the configuration; nothing passes between the filter and the servlet at run
 * time. Build both from one builder:
 *
 * <pre>{@code
 * BearerTokenFilter.Builder baton = BearerTokenFilter.builder(validator)
 *     .resource("https://mcp.example.com/mcp")
 *     .authorizationServers("https://idp.example.com/oauth2/mcp");
 * context.addFilter(new FilterHolder(baton.build()), "/*", EnumSet.of(DispatcherType.REQUEST));
 * context.addServlet(new ServletHolder(baton.buildMetadataServlet()), "/.well-known/oauth-protected-resource/*");
 * }</pre>
 *
 * or declare it in {@code web.xml} with the filter's init parameters (those that shape the metadata
 * are {@code resource}, {@code issuer} or {@code authorization-servers}, {@code scopes-supported},
 * {@code required-scopes}, {@code path-scopes}, {@code resource-name} and {@code resource-documentation};
 * the others are accepted and ignored, so the filter's block can be copied as it is). With
 * {@code load-on-startup}, a missing or invalid parameter shows when the application starts rather
 * than at the first request:
 *
 * <pre>{@code
 * <servlet>
 *   <servlet-name>baton-metadata</servlet-name>
 *   <servlet-class>dev.baton.servlet.ProtectedResourceMetadataServlet</servlet-class>
 *   <init-param><param-name>resource</param-name><param-value>https://mcp.example.com/mcp</param-value></init-param>
 *   <init-param><param-name>issuer</param-name><param-value>https://idp.example.com/oauth2/mcp</param-value></init-param>
 *   <load-on-startup>1</load-on-startup>
 * </servlet>
 * <servlet-mapping>
 *   <servlet-name>baton-metadata</servlet-name>
 *   <url-pattern>/.well-known/oauth-protected-resource</url-pattern>
 *   <url-pattern>/.well-known/oauth-protected-resource/*</url-pattern>
 * </servlet-mapping>
 * }</pre>
 *
 * Well-known URLs live at the root of the host (RFC 8615): an application under a context path only
 * receives them when a proxy routes them to it.
 */
public final class ProtectedResourceMetadataServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Set by the builder, or by {@link #init()} from init parameters; immutable once set. */
    private transient volatile ResourceMetadata metadata;

    /**
     * The constructor a servlet container uses for a servlet declared in {@code web.xml}; the
     * servlet is configured from init parameters in {@link #init()}. Code should use
     * {@link BearerTokenFilter.Builder#buildMetadataServlet()}.
     */
    public ProtectedResourceMetadataServlet() {
    }

    ProtectedResourceMetadataServlet(ResourceMetadata metadata) {
        this.metadata = metadata;
    }

    /**
     * Configures a servlet made by the no-argument constructor from its init parameters (see the
     * {@linkplain dev.baton.servlet package documentation}); a servlet made by the builder ignores them.
     *
     * @throws ServletException naming the parameter that is missing ({@code resource}, or
     *     {@code issuer} without {@code authorization-servers}) or invalid
     */
    @Override
    public void init() throws ServletException {
        if (metadata == null) {
            metadata = BearerTokenFilterSpec.of(getServletConfig()).metadata();
        }
    }

    /**
     * Answers {@code GET} and {@code HEAD} with the JSON document, a CORS preflight from any
     * origin with 204, other methods with 405, and any path other than the two metadata paths
     * with 404.
     *
     * @throws ServletException if the servlet was not initialised
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        ResourceMetadata m = metadata;
        if (m == null) {
            throw new ServletException("ProtectedResourceMetadataServlet used before init()");
        }
        if (!m.isMetadataRequest(request)) {
            response.sendError(404);
            return;
        }
        m.serve(request, response);
    }
}
