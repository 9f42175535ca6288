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
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The real servlet containers the filter is tested in, listening on loopback. Both allow request
 * headers up to 64 KiB, so the filter's own token length cap is what a long token meets.
 */
enum Container {
    JETTY {
        @Override
        Running start(List<Filter> filters, Map<String, String> initParameters, Servlet servlet) {
            Server server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            http.setRequestHeaderSize(HEADER_SIZE);
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder(servlet), "/*");
            for (Filter filter : filters) {
                context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            if (initParameters != null) {
                FilterHolder holder = new FilterHolder(BearerTokenFilter.class);
                initParameters.forEach(holder::setInitParameter);
                context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            server.setHandler(context);
            try {
                server.start();
            } catch (Exception e) {
                throw new IllegalStateException("Jetty did not start", e);
            }
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            return new Running(base, () -> {
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
        Running start(List<Filter> filters, Map<String, String> initParameters, Servlet servlet) {
            try {
                Path baseDir = Files.createTempDirectory("baton-tomcat");
                Tomcat tomcat = new Tomcat();
                tomcat.setBaseDir(baseDir.toString());
                Connector connector = new Connector();
                connector.setPort(0);
                connector.setProperty("address", "127.0.0.1");
                connector.setProperty("maxHttpHeaderSize", String.valueOf(HEADER_SIZE));
                tomcat.setConnector(connector);
                Context context = tomcat.addContext("", baseDir.toString());
                Tomcat.addServlet(context, "app", servlet);
                context.addServletMappingDecoded("/*", "app");
                int n = 0;
                for (Filter filter : filters) {
                    FilterDef def = new FilterDef();
                    def.setFilterName("filter" + n++);
                    def.setFilter(filter);
                    addFilter(context, def);
                }
                if (initParameters != null) {
                    FilterDef def = new FilterDef();
                    def.setFilterName("baton");
                    def.setFilterClass(BearerTokenFilter.class.getName());
                    initParameters.forEach(def::addInitParameter);
                    addFilter(context, def);
                }
                tomcat.start();
                if (context.getState() != LifecycleState.STARTED) {
                    tomcat.stop();
                    tomcat.destroy();
                    throw new IllegalStateException("Tomcat context did not start: " + context.getState());
                }
                URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
                return new Running(base, () -> {
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

        private static void addFilter(Context context, FilterDef def) {
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName(def.getFilterName());
            map.addURLPatternDecoded("/*");
            context.addFilterMap(map);
        }
    };

    static final int HEADER_SIZE = 64 * 1024;

    /**
     * Starts the container with {@code servlet} at {@code /*} behind {@code filters} (outermost first)
     * and, when {@code initParameters} is not null, a {@link BearerTokenFilter} the container
     * creates itself and configures from those init parameters, as from {@code web.xml}.
     */
    abstract Running start(List<Filter> filters, Map<String, String> initParameters, Servlet servlet);

    /** A started container. */
    record Running(URI base, Runnable stop) implements AutoCloseable {
        URI uri(String path) {
            return base.resolve(path);
        }

        @Override
        public void close() {
            stop.run();
        }
    }
}
