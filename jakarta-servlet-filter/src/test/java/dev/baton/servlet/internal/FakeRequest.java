package dev.baton.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link HttpServletRequest} with the headers, parameters, attributes, protocol and declared
 * body length a test gives it, for the classes that only use those; every other method answers
 * {@code null}.
 */
final class FakeRequest {
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final Map<String, String[]> parameters = new LinkedHashMap<>();
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private RuntimeException parameterFailure;
    private String protocol = "HTTP/1.1";
    private long contentLength = -1;

    static FakeRequest get() {
        return new FakeRequest();
    }

    /** Adds a header value (names are matched case-insensitively, as the containers do). */
    FakeRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
        return this;
    }

    /** The request line's protocol, {@code HTTP/1.1} unless set. */
    FakeRequest protocol(String value) {
        protocol = value;
        return this;
    }

    /** The declared body length, -1 (none declared) unless set. */
    FakeRequest contentLength(long value) {
        contentLength = value;
        return this;
    }

    FakeRequest parameter(String name, String... values) {
        parameters.put(name, values);
        return this;
    }

    /** Makes reading the parameters fail, as a container does for a malformed query or form body. */
    FakeRequest unparseableParameters() {
        parameterFailure = new IllegalStateException("malformed query");
        return this;
    }

    HttpServletRequest build() {
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> Collections.enumeration(
                            headers.getOrDefault(((String) args[0]).toLowerCase(Locale.ROOT), List.of()));
                    case "getHeader" -> headers.getOrDefault(((String) args[0]).toLowerCase(Locale.ROOT), List.of())
                            .stream().findFirst().orElse(null);
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "getProtocol" -> protocol;
                    case "getContentLengthLong" -> contentLength;
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "getParameterValues" -> {
                        if (parameterFailure != null) {
                            throw parameterFailure;
                        }
                        yield parameters.get((String) args[0]);
                    }
                    default -> null;
                });
    }
}
