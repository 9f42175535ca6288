package dev.baton.servlet;

import dev.baton.servlet.internal.ResourceMetadata;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the RFC 9728 protected resource metadata of the {@link BearerTokenFilter} registered in
 * the same application, for containers that answer 404 to a path no servlet is mapped to before
 * any filter runs (Tomcat without a default servlet, for example an application mapped at
 * {@code /mcp/*} only). Without it, the {@code resource_metadata} URL of every challenge would
 * point at a 404.
 *
 * <p>Map it to {@code /.well-known/oauth-protected-resource} and
 * {@code /.well-known/oauth-protected-resource/*}; it answers exactly the paths the filter
 * answers (the path-inserted URL of the {@linkplain BearerTokenFilter.Builder#resource(String)
 * resource} and the root one), with the same document and headers, and 404 anywhere else.
 *
 * <pre>{@code
 * context.addServlet(ProtectedResourceMetadataServlet.class, "/.well-known/oauth-protected-resource/*");
 * }</pre>
 *
 * or in {@code web.xml}:
 *
 * <pre>{@code
 * <servlet>
 *   <servlet-name>baton-metadata</servlet-name>
 *   <servlet-class>dev.baton.servlet.ProtectedResourceMetadataServlet</servlet-class>
 * </servlet>
 * <servlet-mapping>
 *   <servlet-name>baton-metadata</servlet-name>
 *   <url-pattern>/.well-known/oauth-protected-resource</url-pattern>
 *   <url-pattern>/.well-known/oauth-protected-resource/*</url-pattern>
 * </servlet-mapping>
 * }</pre>
 *
 * <p>The filter hands its metadata to the servlet through the servlet context when the container
 * initialises the filter ({@link BearerTokenFilter#init(jakarta.servlet.FilterConfig)}), so there
 * is nothing to configure here. Until a filter has been initialised in the application, every
 * request is answered 404 and an error is logged once. With several {@code BearerTokenFilter}s in
 * one application, the last one initialised is served. Well-known URLs live at the root of the
 * host (RFC 8615): an application under a context path only receives them when a proxy routes
 * them to it.
 */
public final class ProtectedResourceMetadataServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProtectedResourceMetadataServlet.class);

    private final AtomicBoolean reportedMissingFilter = new AtomicBoolean();

    /** The constructor the container uses; the metadata comes from the application's filter. */
    public ProtectedResourceMetadataServlet() {
    }

    /**
     * Answers {@code GET} and {@code HEAD} with the JSON document, a CORS preflight from any
     * origin with 204, other methods with 405, and any path other than the two metadata paths
     * with 404.
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!(getServletContext().getAttribute(ResourceMetadata.CONTEXT_ATTRIBUTE) instanceof ResourceMetadata metadata)) {
            if (reportedMissingFilter.compareAndSet(false, true)) {
                LOG.error("ProtectedResourceMetadataServlet found no initialised BearerTokenFilter in this "
                        + "application; the metadata answers 404");
            }
            response.sendError(404);
            return;
        }
        if (!metadata.isMetadataRequest(request)) {
            response.sendError(404);
            return;
        }
        metadata.serve(request, response);
    }
}
