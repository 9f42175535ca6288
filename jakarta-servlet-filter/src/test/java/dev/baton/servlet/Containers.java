package dev.baton.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
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
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a {@link ClassTemplate} test class once in each real servlet container the module is tested
 * in ({@link Kind#JETTY Jetty 12 ee10}, {@link Kind#TOMCAT Tomcat 11}), with an application deployed
 * on loopback before the class's tests and stopped after them:
 *
 * <pre>{@code
 * @ClassTemplate
 * class SomeTest {
 *     @RegisterExtension
 *     static final Containers containers = Containers.withSwappableFilter();
 *
 *     @Test
 *     void something() {
 *         containers.front().delegate.set(BearerTokenFilter.builder(validator)...build());
 *         HttpResponse<String> r = Http.get(containers.server().uri("/mcp"));
 *     }
 * }
 * }</pre>
 *
 * <p>Both containers allow request headers up to 64 KiB, so the filter's own token length cap is
 * what a long token meets. Filters and servlets are registered the way {@code web.xml} declares
 * them: in Jetty with a {@link Source.Origin#DESCRIPTOR} holder, whose {@code async-supported} is
 * {@code false} unless set (as in Tomcat), so a registration that forgets it fails here as it would
 * in production. Tomcat gets no default servlet: a path no servlet is mapped to answers 404 before
 * any filter runs.
 */
final class Containers implements ClassTemplateInvocationContextProvider {
    static final int HEADER_SIZE = 64 * 1024;
    /** Where the README maps {@link ProtectedResourceMetadataServlet}. */
    static final List<String> METADATA_PATTERNS =
            List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/*");

    private final Supplier<Setup> deployment;
    private final List<Runnable> onStart = new ArrayList<>();
    private final List<Runnable> onStop = new ArrayList<>();
    private Kind kind;
    private Setup setup;
    private Running server;

    private Containers(Supplier<Setup> deployment) {
        this.deployment = deployment;
    }

    /** Deploys what {@code deployment} describes, made afresh for each container. */
    static Containers deploying(Supplier<Setup> deployment) {
        return new Containers(deployment);
    }

    /**
     * A {@link RecordingServlet} at {@code /*} behind a {@link SwappableFilter}, in which each test
     * installs the filter it needs.
     */
    static Containers withSwappableFilter() {
        return deploying(() -> Setup.of(List.of(new SwappableFilter()), null, new RecordingServlet()));
    }

    /**
     * Runs {@code action} in each container once the deployment has started, before the class's
     * tests: for set-up that needs the running server (its port). {@code @BeforeAll} would run only
     * once for all containers.
     */
    Containers onStart(Runnable action) {
        onStart.add(action);
        return this;
    }

    /** Runs {@code action} in each container after the class's tests, before the deployment stops. */
    Containers onStop(Runnable action) {
        onStop.add(action);
        return this;
    }

    /** The container of the running invocation. */
    Kind kind() {
        return kind;
    }

    /** The deployment of the running invocation. */
    Running server() {
        return server;
    }

    /** The deployed servlet, as {@code type}. */
    <T extends Servlet> T servlet(Class<T> type) {
        return type.cast(setup.servlet);
    }

    /** The deployed metadata servlet instance, as {@code type}. */
    <T extends Servlet> T metadataServlet(Class<T> type) {
        return type.cast(setup.metadataServlet);
    }

    /** The deployed servlet of {@link #withSwappableFilter()}. */
    RecordingServlet app() {
        return servlet(RecordingServlet.class);
    }

    /** The front filter of {@link #withSwappableFilter()}. */
    SwappableFilter front() {
        return (SwappableFilter) setup.filters.get(0);
    }

    /** Starts another application in the container of the running invocation; the caller closes it. */
    Running start(Setup other) {
        return kind.start(other);
    }

    @Override
    public boolean supportsClassTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(Kind.values()).map(Invocation::new);
    }

    /** One run of the class in one container: deploys before the class's tests, stops after them. */
    private final class Invocation implements ClassTemplateInvocationContext, BeforeClassTemplateInvocationCallback,
            AfterClassTemplateInvocationCallback {
        private final Kind invocationKind;

        Invocation(Kind invocationKind) {
            this.invocationKind = invocationKind;
        }

        @Override
        public String getDisplayName(int invocationIndex) {
            return invocationKind.name();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(this);
        }

        @Override
        public void beforeClassTemplateInvocation(ExtensionContext context) {
            kind = invocationKind;
            setup = deployment.get();
            server = kind.start(setup);
            onStart.forEach(Runnable::run);
        }

        @Override
        public void afterClassTemplateInvocation(ExtensionContext context) {
            try {
                onStop.forEach(Runnable::run);
            } finally {
                if (server != null) {
                    server.close();
                }
                server = null;
                setup = null;
            }
        }
    }

    /** A servlet container, started on an ephemeral loopback port. */
    enum Kind {
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
                        setup.contextPath.isEmpty() ? "/" : setup.contextPath);
                ServletHolder app = new ServletHolder(DESCRIPTOR);
                app.setName("app");
                app.setServlet(setup.servlet);
                app.setAsyncSupported(true);
                context.addServlet(app, setup.servletMapping);
                if (setup.metadataServlet != null || setup.metadataParameters != null) {
                    ServletHolder metadata = new ServletHolder(DESCRIPTOR);
                    metadata.setName("metadata");
                    if (setup.metadataServlet != null) {
                        metadata.setServlet(setup.metadataServlet);
                    } else {
                        metadata.setHeldClass(ProtectedResourceMetadataServlet.class);
                        setup.metadataParameters.forEach(metadata::setInitParameter);
                    }
                    for (String pattern : METADATA_PATTERNS) {
                        context.addServlet(metadata, pattern);
                    }
                }
                int n = 0;
                for (Filter filter : setup.filters) {
                    FilterHolder holder = new FilterHolder(DESCRIPTOR);
                    holder.setName("filter" + n++);
                    holder.setFilter(filter);
                    addFilter(context, holder, setup);
                }
                if (setup.initParameters != null) {
                    FilterHolder holder = new FilterHolder(DESCRIPTOR);
                    holder.setName("baton");
                    holder.setHeldClass(BearerTokenFilter.class);
                    setup.initParameters.forEach(holder::setInitParameter);
                    addFilter(context, holder, setup);
                }
                server.setHandler(context);
                try {
                    server.start();
                } catch (Exception e) {
                    throw new IllegalStateException("Jetty did not start", e);
                }
                Runnable stop = () -> {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                if (!context.isAvailable()) {
                    stop.run();
                    throw new IllegalStateException("Jetty context is not available");
                }
                return new Running(URI.create("http://127.0.0.1:" + connector.getLocalPort()), setup.contextPath, stop);
            }

            private static void addFilter(ServletContextHandler context, FilterHolder holder, Setup setup) {
                holder.setAsyncSupported(setup.filterAsync);
                context.addFilter(holder, setup.filterMapping, EnumSet.copyOf(setup.dispatcherTypes));
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
                    Context context = tomcat.addContext(setup.contextPath, baseDir.toString());
                    Wrapper app = Tomcat.addServlet(context, "app", setup.servlet);
                    app.setAsyncSupported(true);
                    context.addServletMappingDecoded(setup.servletMapping, "app");
                    if (setup.metadataServlet != null || setup.metadataParameters != null) {
                        Wrapper metadata = setup.metadataServlet != null
                                ? Tomcat.addServlet(context, "metadata", setup.metadataServlet)
                                : Tomcat.addServlet(context, "metadata", ProtectedResourceMetadataServlet.class.getName());
                        if (setup.metadataParameters != null) {
                            setup.metadataParameters.forEach(metadata::addInitParameter);
                        }
                        for (String pattern : METADATA_PATTERNS) {
                            context.addServletMappingDecoded(pattern, "metadata");
                        }
                    }
                    int n = 0;
                    for (Filter filter : setup.filters) {
                        FilterDef def = new FilterDef();
                        def.setFilterName("filter" + n++);
                        def.setFilter(filter);
                        addFilter(context, def, setup);
                    }
                    if (setup.initParameters != null) {
                        FilterDef def = new FilterDef();
                        def.setFilterName("baton");
                        def.setFilterClass(BearerTokenFilter.class.getName());
                        setup.initParameters.forEach(def::addInitParameter);
                        addFilter(context, def, setup);
                    }
                    tomcat.start();
                    Runnable stop = () -> {
                        try {
                            tomcat.stop();
                            tomcat.destroy();
                        } catch (LifecycleException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                    if (context.getState() != LifecycleState.STARTED) {
                        stop.run();
                        throw new IllegalStateException("Tomcat context did not start: " + context.getState());
                    }
                    return new Running(URI.create("http://127.0.0.1:" + connector.getLocalPort()), setup.contextPath,
                            stop);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (LifecycleException e) {
                    throw new IllegalStateException("Tomcat did not start", e);
                }
            }

            private static void addFilter(Context context, FilterDef def, Setup setup) {
                def.setAsyncSupported(String.valueOf(setup.filterAsync));
                context.addFilterDef(def);
                FilterMap map = new FilterMap();
                map.setFilterName(def.getFilterName());
                map.addURLPatternDecoded(setup.filterMapping);
                for (DispatcherType type : setup.dispatcherTypes) {
                    map.setDispatcher(type.name());
                }
                context.addFilterMap(map);
            }
        };

        static final Source DESCRIPTOR = new Source(Source.Origin.DESCRIPTOR, "web.xml");

        /** Starts the container as {@code setup} describes. */
        abstract Running start(Setup setup);
    }

    /**
     * What to deploy: by default {@code servlet} at {@code /*} behind {@code filters} (outermost
     * first) and, when {@code initParameters} is not null, a {@link BearerTokenFilter} the container
     * creates itself and configures from those init parameters, as from {@code web.xml}; filters
     * with {@code async-supported} true, for {@code REQUEST} dispatches; the root context path.
     */
    static final class Setup {
        final List<Filter> filters;
        final Map<String, String> initParameters;
        final Servlet servlet;
        String servletMapping = "/*";
        String filterMapping = "/*";
        boolean filterAsync = true;
        Set<DispatcherType> dispatcherTypes = EnumSet.of(DispatcherType.REQUEST);
        Servlet metadataServlet;
        Map<String, String> metadataParameters;
        String contextPath = "";

        private Setup(List<Filter> filters, Map<String, String> initParameters, Servlet servlet) {
            this.filters = List.copyOf(filters);
            this.initParameters = initParameters;
            this.servlet = servlet;
        }

        static Setup of(List<Filter> filters, Map<String, String> initParameters, Servlet servlet) {
            return new Setup(filters, initParameters, servlet);
        }

        /** The URL pattern of the servlet. */
        Setup servletMapping(String pattern) {
            servletMapping = pattern;
            return this;
        }

        /** The URL pattern of the filters. */
        Setup filterMapping(String pattern) {
            filterMapping = pattern;
            return this;
        }

        /** The filters' {@code async-supported}. */
        Setup filterAsync(boolean async) {
            filterAsync = async;
            return this;
        }

        /** The dispatches the filters are mapped for. */
        Setup dispatcherTypes(DispatcherType... types) {
            dispatcherTypes = EnumSet.copyOf(List.of(types));
            return this;
        }

        /** {@code servlet} (made by {@link BearerTokenFilter.Builder#buildMetadataServlet()}) at {@link #METADATA_PATTERNS}. */
        Setup withMetadataServlet(Servlet servlet) {
            metadataServlet = servlet;
            return this;
        }

        /** A {@link ProtectedResourceMetadataServlet} the container creates, configured from {@code initParameters}. */
        Setup withMetadataServlet(Map<String, String> initParameters) {
            metadataParameters = initParameters;
            return this;
        }

        /** The application's context path, {@code ""} for the root. */
        Setup contextPath(String path) {
            contextPath = path;
            return this;
        }
    }

    /** A started application. */
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
