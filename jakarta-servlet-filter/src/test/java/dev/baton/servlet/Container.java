package dev.baton.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.Source;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The real servlet containers the filter is tested in, listening on loopback. Both allow request
 * headers up to 64 KiB, so the filter's own token length cap is what a long token meets.
 *
 * <p>Filters and servlets are registered the way {@code web.xml} declares them: in Jetty with a
 * {@link Source.Origin#DESCRIPTOR} holder, whose {@code async-supported} is {@code false} unless
 * set (as in Tomcat), so a registration that forgets it fails here as it would in production.
 */
enum Container {
    JETTY {
        @Override
        Running start(Setup setup) {
            Server server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            http.setRequestHeaderSize(HEADER_SIZE);
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler(
                    setup.contextPath().isEmpty() ? "/" : setup.contextPath());
            ServletHolder app = new ServletHolder(DESCRIPTOR);
            app.setName("app");
            app.setServlet(setup.servlet());
            app.setAsyncSupported(true);
            context.addServlet(app, setup.servletMapping());
            if (setup.metadataServlet()) {
                ServletHolder metadata = new ServletHolder(DESCRIPTOR);
                metadata.setName("metadata");
                metadata.setHeldClass(ProtectedResourceMetadataServlet.class);
                for (String pattern : METADATA_PATTERNS) {
                    context.addServlet(metadata, pattern);
                }
            }
            int n = 0;
            for (Filter filter : setup.filters()) {
                FilterHolder holder = new FilterHolder(DESCRIPTOR);
                holder.setName("filter" + n++);
                holder.setFilter(filter);
                holder.setAsyncSupported(setup.filterAsync());
                context.addFilter(holder, setup.filterMapping(), EnumSet.copyOf(setup.dispatcherTypes()));
            }
            if (setup.initParameters() != null) {
                FilterHolder holder = new FilterHolder(DESCRIPTOR);
                holder.setName("baton");
                holder.setHeldClass(BearerTokenFilter.class);
                holder.setAsyncSupported(setup.filterAsync());
                setup.initParameters().forEach(holder::setInitParameter);
                context.addFilter(holder, setup.filterMapping(), EnumSet.copyOf(setup.dispatcherTypes()));
            }
            server.setHandler(context);
            try {
                server.start();
            } catch (Exception e) {
                throw new IllegalStateException("Jetty did not start", e);
            }
            if (!context.isAvailable()) {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("Jetty context is not available");
            }
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            return new Running(base, setup.contextPath(), () -> {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    },
    TOMCAT {
        @Override
        Running start(Setup setup) {
            try {
                Path baseDir = Files.createTempDirectory("baton-tomcat");
                Tomcat tomcat = new Tomcat();
                tomcat.setBaseDir(baseDir.toString());
                Connector connector = new Connector();
                connector.setPort(0);
                connector.setProperty("address", "127.0.0.1");
                connector.setProperty("maxHttpHeaderSize", String.valueOf(HEADER_SIZE));
                tomcat.setConnector(connector);
                // No default servlet: a path no servlet is mapped to answers 404 before any filter.
                Context context = tomcat.addContext(setup.contextPath(), baseDir.toString());
                Wrapper app = Tomcat.addServlet(context, "app", setup.servlet());
                app.setAsyncSupported(true);
                context.addServletMappingDecoded(setup.servletMapping(), "app");
                if (setup.metadataServlet()) {
                    Tomcat.addServlet(context, "metadata", ProtectedResourceMetadataServlet.class.getName());
                    for (String pattern : METADATA_PATTERNS) {
                        context.addServletMappingDecoded(pattern, "metadata");
                    }
                }
                int n = 0;
                for (Filter filter : setup.filters()) {
                    FilterDef def = new FilterDef();
                    def.setFilterName("filter" + n++);
                    def.setFilter(filter);
                    addFilter(context, def, setup);
                }
                if (setup.initParameters() != null) {
                    FilterDef def = new FilterDef();
                    def.setFilterName("baton");
                    def.setFilterClass(BearerTokenFilter.class.getName());
                    setup.initParameters().forEach(def::addInitParameter);
                    addFilter(context, def, setup);
                }
                tomcat.start();
                if (context.getState() != LifecycleState.STARTED) {
                    tomcat.stop();
                    tomcat.destroy();
                    throw new IllegalStateException("Tomcat context did not start: " + context.getState());
                }
                URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
                return new Running(base, setup.contextPath(), () -> {
                    try {
                        tomcat.stop();
                        tomcat.destroy();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (org.apache.catalina.LifecycleException e) {
                throw new IllegalStateException("Tomcat did not start", e);
            }
        }

        private static void addFilter(Context context, FilterDef def, Setup setup) {
            def.setAsyncSupported(String.valueOf(setup.filterAsync()));
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName(def.getFilterName());
            map.addURLPatternDecoded(setup.filterMapping());
            for (DispatcherType type : setup.dispatcherTypes()) {
                map.setDispatcher(type.name());
            }
            context.addFilterMap(map);
        }
    };

    static final int HEADER_SIZE = 64 * 1024;
    static final Source DESCRIPTOR = new Source(Source.Origin.DESCRIPTOR, "web.xml");
    /** Where the README maps {@link ProtectedResourceMetadataServlet}. */
    static final List<String> METADATA_PATTERNS =
            List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/*");

    /**
     * Starts the container with {@code servlet} at {@code /*} behind {@code filters} (outermost first)
     * and, when {@code initParameters} is not null, a {@link BearerTokenFilter} the container
     * creates itself and configures from those init parameters, as from {@code web.xml}. Filters
     * are registered with {@code async-supported} true, for {@code REQUEST} dispatches.
     */
    Running start(List<Filter> filters, Map<String, String> initParameters, Servlet servlet) {
        return start(Setup.of(filters, initParameters, servlet));
    }

    /** Starts the container as {@code setup} describes. */
    abstract Running start(Setup setup);

    /**
     * What to deploy.
     *
     * @param servletMapping the URL pattern of {@code servlet}
     * @param filterMapping the URL pattern of the filters
     * @param filterAsync the filters' {@code async-supported}
     * @param dispatcherTypes the dispatches the filters are mapped for
     * @param metadataServlet whether {@link ProtectedResourceMetadataServlet} is mapped to {@link #METADATA_PATTERNS}
     * @param contextPath the application's context path, {@code ""} for the root
     */
    record Setup(List<Filter> filters, Map<String, String> initParameters, Servlet servlet, String servletMapping,
            String filterMapping, boolean filterAsync, Set<DispatcherType> dispatcherTypes, boolean metadataServlet,
            String contextPath) {

        static Setup of(List<Filter> filters, Map<String, String> initParameters, Servlet servlet) {
            return new Setup(filters, initParameters, servlet, "/*", "/*", true,
                    EnumSet.of(DispatcherType.REQUEST), false, "");
        }

        Setup servletMapping(String pattern) {
            return new Setup(filters, initParameters, servlet, pattern, filterMapping, filterAsync,
                    dispatcherTypes, metadataServlet, contextPath);
        }

        Setup filterMapping(String pattern) {
            return new Setup(filters, initParameters, servlet, servletMapping, pattern, filterAsync,
                    dispatcherTypes, metadataServlet, contextPath);
        }

        Setup filterAsync(boolean async) {
            return new Setup(filters, initParameters, servlet, servletMapping, filterMapping, async,
                    dispatcherTypes, metadataServlet, contextPath);
        }

        Setup dispatcherTypes(DispatcherType... types) {
            return new Setup(filters, initParameters, servlet, servletMapping, filterMapping, filterAsync,
                    EnumSet.copyOf(List.of(types)), metadataServlet, contextPath);
        }

        Setup withMetadataServlet() {
            return new Setup(filters, initParameters, servlet, servletMapping, filterMapping, filterAsync,
                    dispatcherTypes, true, contextPath);
        }

        Setup contextPath(String path) {
            return new Setup(filters, initParameters, servlet, servletMapping, filterMapping, filterAsync,
                    dispatcherTypes, metadataServlet, path);
        }
    }

    /** A started container. */
    record Running(URI base, String contextPath, Runnable stop) implements AutoCloseable {
        /** {@code path} on the host, outside the application's context path. */
        URI uri(String path) {
            return base.resolve(path);
        }

        /** {@code path} inside the application (after its context path). */
        URI app(String path) {
            return base.resolve(contextPath + path);
        }

        @Override
        public void close() {
            stop.run();
        }
    }
}
