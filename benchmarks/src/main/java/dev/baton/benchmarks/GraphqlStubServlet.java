package dev.baton.benchmarks;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The countries GraphQL API's stand-in for row 9: reads the whole query and answers every POST with
 * the same {@code country} result (Spain), as the Apollo backend would, recording the last
 * {@code Authorization} header so the set-up can check which token reached the backend.
 */
final class GraphqlStubServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] SPAIN = ("{\"data\":{\"country\":{\"code\":\"ES\",\"name\":\"Spain\",\"capital\":\"Madrid\","
            + "\"currency\":\"EUR\",\"continent\":{\"code\":\"EU\",\"name\":\"Europe\"}}}}")
            .getBytes(StandardCharsets.UTF_8);

    private final transient AtomicReference<String> lastAuthorization = new AtomicReference<>();

    /** The {@code Authorization} header of the latest query. */
    String lastAuthorization() {
        return lastAuthorization.get();
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.getInputStream().readAllBytes();
        lastAuthorization.set(request.getHeader("Authorization"));
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(SPAIN.length);
        response.getOutputStream().write(SPAIN);
    }
}
