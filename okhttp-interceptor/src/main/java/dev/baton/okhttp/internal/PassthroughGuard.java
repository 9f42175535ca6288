package dev.baton.okhttp.internal;

import dev.baton.okhttp.TokenInjectionException;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * The last check before a routed request goes out: the incoming token is never forwarded upstream
 * (MCP authorization specification, "token passthrough"). Not API.
 */
public final class PassthroughGuard {
    private PassthroughGuard() {
    }

    /**
     * Refuses to send {@code out} when the exchange returned the incoming token itself, or when the
     * request carries it anywhere: in a header, or in the URL query ({@code ?access_token=..},
     * RFC 6750 §2.3).
     *
     * @param out the request about to be sent, with the exchanged token attached
     * @param incoming the subject token the exchange was made for
     * @param issued the exchanged token
     * @throws TokenInjectionException naming the route and where the token was, never the token
     */
    public static void check(Request out, String incoming, String issued, Route route) throws TokenInjectionException {
        if (issued.equals(incoming)) {
            throw new TokenInjectionException("the exchange for route " + route + " returned the incoming subject "
                    + "token itself; it is never forwarded, the request was not sent");
        }
        HttpUrl url = out.url();
        if (contains(url.encodedQuery(), incoming) || contains(url.query(), incoming)) {
            throw new TokenInjectionException("the request to route " + route + " carries the incoming subject "
                    + "token in the URL query; it is never forwarded, the request was not sent");
        }
        Headers headers = out.headers();
        for (int i = 0; i < headers.size(); i++) {
            if (headers.value(i).contains(incoming)) {
                throw new TokenInjectionException("the request to route " + route + " carries the incoming subject "
                        + "token in header " + headers.name(i) + "; it is never forwarded, the request was not sent");
            }
        }
    }

    private static boolean contains(String s, String part) {
        return s != null && s.contains(part);
    }
}
