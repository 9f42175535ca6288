package dev.baton.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sits in front of the filter under test (installed once the container runs) and measures the CPU
 * time the request's thread spends in it, by the request's {@value #CASE_HEADER} header: thread
 * CPU time is not stretched by other processes on a busy machine as wall time would be.
 */
final class MeteredFilter implements Filter {
    static final String CASE_HEADER = "X-Case";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    final AtomicReference<Filter> delegate = new AtomicReference<>();
    private final Map<String, Long> cpuNanos = new ConcurrentHashMap<>();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            delegate.get().doFilter(request, response, chain);
        } finally {
            String name = ((HttpServletRequest) request).getHeader(CASE_HEADER);
            if (name != null) {
                cpuNanos.merge(name, THREADS.getCurrentThreadCpuTime() - start, Long::sum);
            }
        }
    }

    /** The CPU time spent on the requests of case {@code name}, in nanoseconds; 0 when the filter never ran. */
    long cpuNanos(String name) {
        return cpuNanos.getOrDefault(name, 0L);
    }
}
