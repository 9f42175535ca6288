package dev.baton.okhttp.internal;

import dev.baton.internal.Checks;
import dev.baton.internal.Endpoints;
import dev.baton.okhttp.TokenInjectionException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Where a route puts the exchanged token, as {@code Bearer <token>}: the two header strategies.
 * Immutable. Not API.
 *
 * <ul>
 * <li>{@link #AUTHORIZATION} (the default) replaces {@code Authorization} on the request
 *     (RFC 6750 §2.1). OkHttp itself drops it when it follows a redirect to another scheme, host
 *     or port.</li>
 * <li>{@link #custom(String)} leaves {@code Authorization} alone. OkHttp copies every header but
 *     {@code Authorization} into a redirect, so this strategy does not write the header on the
 *     request: it attaches a {@link HeaderGrant} tag, and {@link CustomHeaderWriter}, the network
 *     half, writes the header on each network request the route covers.</li>
 * </ul>
 */
public final class TokenHeader {
    /** The default strategy: {@code Authorization: Bearer <token>}. */
    public static final TokenHeader AUTHORIZATION = new TokenHeader("Authorization", false);

    /** Headers that HTTP or OkHttp manage themselves, lower case: never a place for the token. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type",
            "transfer-encoding", "connection", "cookie", "proxy-authorization", "te", "upgrade");
    private static final String TCHARS = "!#$%&'*+-.^_`|~";

    private final String name;
    private final boolean custom;

    private TokenHeader(String name, boolean custom) {
        this.name = name;
        this.custom = custom;
    }

    /**
     * The custom-header strategy for header {@code name}.
     *
     * @throws IllegalArgumentException if {@code name} is not an RFC 9110 §5.1 field name, is
     *     {@code Authorization} (the default strategy), or is a header HTTP itself uses
     * @throws NullPointerException if {@code name} is null
     */
    public static TokenHeader custom(String name) {
        Objects.requireNonNull(name, "name");
        Checks.requireArgument(!name.isEmpty() && name.chars().allMatch(TokenHeader::isTchar),
                "custom header must be an RFC 9110 section 5.1 field name: " + Endpoints.printable(name, 64));
        String lower = name.toLowerCase(Locale.ROOT);
        Checks.requireArgument(!lower.equals("authorization"),
                "Authorization is the default header; customHeader names another one");
        Checks.requireArgument(!RESERVED.contains(lower),
                "custom header must not be a header HTTP itself uses: " + name);
        return new TokenHeader(name, true);
    }

    /** The header name. */
    public String name() {
        return name;
    }

    /** Whether this is the custom-header strategy, which needs the network half on the client. */
    public boolean isCustom() {
        return custom;
    }

    /**
     * {@code original} carrying {@code value} for {@code route}: with {@code Authorization}
     * replaced, or, for a custom header, with that header removed and a {@link HeaderGrant} for the
     * network half attached.
     */
    public Request attach(Request original, Route route, String value) {
        Request.Builder builder = original.newBuilder();
        if (custom) {
            builder.removeHeader(name).tag(HeaderGrant.class, new HeaderGrant(route, value));
        } else {
            builder.header(name, value);
        }
        return builder.build();
    }

    /**
     * Checks that the token could have gone out with {@code sent}: for a custom header, that a
     * network half saw the request. Otherwise the request went out without the exchanged token,
     * and {@code response} is closed and refused.
     *
     * @throws TokenInjectionException if no network half saw the request
     */
    public void requireDelivered(Request sent, Response response, Route route) throws TokenInjectionException {
        HeaderGrant grant = custom ? sent.tag(HeaderGrant.class) : null;
        if (grant != null && !grant.seen()) {
            response.close();
            throw new TokenInjectionException("route " + route + " puts the token in a custom header, which needs "
                    + "the network interceptor that TokenExchangeInterceptor.Builder.installOn(OkHttpClient.Builder) "
                    + "adds; this client lacks it, so the request went out without the exchanged token");
        }
    }

    private static boolean isTchar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || TCHARS.indexOf(c) >= 0;
    }

    @Override
    public String toString() {
        return name;
    }
}
