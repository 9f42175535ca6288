package dev.baton.mcp.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;

/**
 * The request handed to the SDK after the MCP rules read its body: the same bytes, unchanged, from
 * {@link #getInputStream()} or {@link #getReader()} (each may be used; each reads the whole body).
 * Not API.
 */
final class ReplayedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private final ServletResponse response;
    private BodyStream stream;
    private BufferedReader reader;

    /**
     * @param request the request whose body was read
     * @param response the response passed down the chain with it, for {@link #startAsync()}
     * @param body the bytes read
     */
    ReplayedBodyRequest(HttpServletRequest request, ServletResponse response, byte[] body) {
        super(request);
        this.response = response;
        this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
        if (stream == null) {
            stream = new BodyStream(body);
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (reader == null) {
            try {
                reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                        RequestBody.charsetOf(this)));
            } catch (JsonRpcRefusal e) {
                // Cannot happen: the charset was checked when the body was read.
                throw new IOException(e.getMessage());
            }
        }
        return reader;
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    /**
     * Starts asynchronous processing with this request and the response passed with it: the
     * no-argument form would hand the container's request (whose body is consumed) to
     * {@link AsyncContext#getRequest()} (Servlet 6.1 §2.3.3.3).
     */
    @Override
    public AsyncContext startAsync() {
        if (!isAsyncSupported()) {
            return super.startAsync();
        }
        return startAsync(this, response);
    }

    /** The body as a finished-when-read servlet stream, ready at once for non-blocking readers. */
    private static final class BodyStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BodyStream(byte[] body) {
            this.in = new ByteArrayInputStream(body);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                if (!isFinished()) {
                    listener.onDataAvailable();
                }
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }
}
