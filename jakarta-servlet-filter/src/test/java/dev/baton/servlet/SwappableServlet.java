package dev.baton.servlet;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for a servlet that can only be built once the container is running (a metadata
 * servlet whose resource names the container's port): requests go to whatever the test installed.
 */
final class SwappableServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    final transient AtomicReference<Servlet> delegate = new AtomicReference<>();

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        delegate.get().service(request, response);
    }
}
