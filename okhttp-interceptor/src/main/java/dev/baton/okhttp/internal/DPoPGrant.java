package dev.baton.okhttp.internal;

import dev.baton.DPoPKey;
import dev.baton.ExchangedToken;
import dev.baton.internal.dpop.NonceMemory;
import dev.baton.okhttp.TokenInjectionException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A request tag: "this request carries a DPoP-bound token; prove possession of its key on each
 * network request the route covers". The application half attaches it with {@code Authorization:
 * DPoP <token>}; {@link DPoPProofWriter}, the network half, signs a fresh proof for each network
 * request (RFC 9449 §7: {@code htm} and {@code htu} of that very request, {@code ath} of the token,
 * the origin's latest nonce), so a redirect never carries a proof made for another URL.
 * {@link #toString()} never shows the token. Not API.
 */
public final class DPoPGrant {
    private final Route route;
    private final DPoPKey key;
    private final String accessToken;
    private final NonceMemory nonces;
    private volatile boolean seen;

    DPoPGrant(Route route, DPoPKey key, String accessToken, NonceMemory nonces) {
        this.route = route;
        this.key = key;
        this.accessToken = accessToken;
        this.nonces = nonces;
    }

    /**
     * {@code original} carrying the DPoP-bound {@code token} for {@code route}: {@code Authorization:
     * DPoP <token>} (RFC 9449 §7.1) and a grant for the network half, which writes the proofs.
     *
     * @param key the exchanger's DPoP key, empty when it has none
     * @throws TokenInjectionException if the token is bound to another key than the exchanger's (a
     *     proof of this key would not be accepted, and Baton never sends a bound token as Bearer), or
     *     the route puts its token in a custom header (DPoP defines only {@code Authorization})
     */
    public static Request attach(Request original, Route route, ExchangedToken token, Optional<DPoPKey> key,
            NonceMemory nonces) throws TokenInjectionException {
        if (key.isEmpty() || !token.dpopKeyThumbprint().equals(Optional.of(key.get().thumbprint()))) {
            throw new TokenInjectionException("the exchange for route " + route + " returned a token bound to "
                    + "another DPoP key than the exchanger's; the request was not sent");
        }
        if (route.header().isCustom()) {
            throw new TokenInjectionException("route " + route + " puts its token in a custom header, but the "
                    + "exchanged token is DPoP-bound and goes only in Authorization (RFC 9449 section 7.1); "
                    + "the request was not sent");
        }
        return original.newBuilder()
                .header("Authorization", "DPoP " + token.accessToken())
                .removeHeader("DPoP")
                .tag(DPoPGrant.class, new DPoPGrant(route, key.get(), token.accessToken(), nonces))
                .build();
    }

    /**
     * Checks that a network half signed a proof for {@code sent}; otherwise the request went out with
     * the token and no proof, and {@code response} is closed and refused.
     *
     * @throws TokenInjectionException if no network half saw the request
     */
    public static void requireDelivered(Request sent, Response response, Route route)
            throws TokenInjectionException {
        DPoPGrant grant = sent.tag(DPoPGrant.class);
        if (grant != null && !grant.seen()) {
            response.close();
            throw new TokenInjectionException("route " + route + " got a DPoP-bound token, whose proofs the network "
                    + "interceptor that TokenExchangeInterceptor.Builder.installOn(OkHttpClient.Builder) adds must "
                    + "sign; this client lacks it, so the request went out without a proof");
        }
    }

    /**
     * A fresh proof for {@code request}, or {@code null} when the route does not cover its URL (a
     * redirect elsewhere): then neither token nor proof goes out.
     */
    String proofFor(Request request) {
        seen = true;
        if (!route.matches(request.url())) {
            return null;
        }
        // HttpUrl.uri() builds and parses a new URI on every call: once per proof.
        URI url = request.url().uri();
        return key.proof(request.method(), url, accessToken, nonces.nonceFor(url));
    }

    /** Keeps the nonce a response from {@code request}'s origin carried, if any (RFC 9449 §9). */
    void remember(Request request, List<String> nonceHeaders) {
        if (!nonceHeaders.isEmpty() && route.matches(request.url())) {
            nonces.remember(request.url().uri(), nonceHeaders);
        }
    }

    /** Whether a {@link DPoPProofWriter} saw a network request carrying this grant. */
    boolean seen() {
        return seen;
    }

    @Override
    public String toString() {
        return "DPoPGrant[route=" + route + ", key=" + key + "]";
    }
}
