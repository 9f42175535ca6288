package dev.baton.servlet;

import dev.baton.ThreadBoundToken;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sits in front of the filter under test so each test can install its own configuration in an
 * already running container, and records whether a token was still bound to the thread once the
 * filter returned.
 */
final class SwappableFilter implements Filter {
    final AtomicReference<Filter> delegate = new AtomicReference<>();
    final AtomicReference<Boolean> boundAfter = new AtomicReference<>();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            delegate.get().doFilter(request, response, chain);
        } finally {
            boundAfter.set(ThreadBoundToken.current().isPresent());
        }
    }
}
