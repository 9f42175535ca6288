package dev.baton;

import dev.baton.internal.Listeners;
import java.net.URI;
import java.util.Objects;

/**
 * Observes each HTTP call Baton makes to an authorization server: metadata discovery (RFC 8414,
 * OpenID Connect Discovery), JWKS fetches, introspection (RFC 7662) and token endpoint requests
 * (RFC 8693), each retry its own call. Meant for metrics, traces and health checks: it tells
 * whether, how often and how fast an authorization server answered.
 *
 * <p>For every request Baton sends, {@link #start} is called just before it goes out, and then
 * exactly one of the returned call's {@link Call#responded(int) responded} or
 * {@link Call#failed(String) failed}, once. An observer never sees a token, a client secret, a
 * request or response body, a header or a query string.
 *
 * <p>Called synchronously on Baton's threads (the caller's, or those of the HTTP client and
 * Baton's timer pool), so it must be fast and must not block. It must not throw either: whatever
 * {@code start} or a {@code Call} method throws is logged (its class only) and ignored, like an
 * {@link AuditListener}'s failure, and never changes a validation or an exchange.
 *
 * <pre>{@code
 * TokenExchanger exchanger = TokenExchanger.builder()
 *     .tokenEndpoint("https://idp.example.com/oauth2/backend/v1/token")
 *     .clientAuthentication(ClientAuthentication.clientSecretBasic("toolhive", secret))
 *     .endpointObserver((endpoint, uri) -> {
 *         long started = System.nanoTime();
 *         return new EndpointObserver.Call() {
 *             public void responded(int status) { record(endpoint, status, System.nanoTime() - started); }
 *             public void failed(String reason) { record(endpoint, reason, System.nanoTime() - started); }
 *         };
 *     })
 *     .build();
 * }</pre>
 */
public interface EndpointObserver {

    /** The kinds of authorization-server endpoint Baton calls. */
    enum Endpoint {
        /** Authorization server metadata: RFC 8414 or OpenID Connect Discovery, one call per URL tried. */
        DISCOVERY,
        /** The issuer's JSON Web Key Set (RFC 7517 §5), for signature checks. */
        JWKS,
        /** Token introspection (RFC 7662 §2), for opaque tokens. */
        INTROSPECTION,
        /** The token endpoint (RFC 6749 §3.2), for token exchange (RFC 8693 §2.1). */
        TOKEN
    }

    /**
     * Called just before a request is sent.
     *
     * @param endpoint which kind of endpoint is called
     * @param uri the endpoint's URL without query, fragment or user info
     * @return the call in progress, told how it ends; {@code null} is taken as a call that ignores
     *     its end
     */
    Call start(Endpoint endpoint, URI uri);

    /** One call in progress; exactly one of its two methods is called, once. */
    interface Call {
        /**
         * A complete response arrived, whatever its status: the endpoint was reachable.
         *
         * @param status the HTTP status code
         */
        void responded(int status);

        /**
         * No usable response: connection refused, timeout, cancelled, body over Baton's size cap...
         *
         * @param reason a short, client-safe word or phrase from a small fixed set ({@code "timeout"},
         *     {@code "connection refused"}, {@code "body too large"}, {@code "interrupted"},
         *     {@code "cancelled"}) or, for any other I/O failure, the simple name of its exception
         *     class; never a token, a secret or remote text
         */
        void failed(String reason);
    }

    /** The observer that ignores every call: the default of the validator and the exchanger. */
    static EndpointObserver none() {
        return NoEndpointObserver.INSTANCE;
    }

    /**
     * Combines observers: each sees every call, in order. One that throws does not keep the
     * others from seeing the call.
     *
     * @throws NullPointerException if an observer is null
     */
    static EndpointObserver of(EndpointObserver... observers) {
        EndpointObserver[] copy = observers.clone();
        for (EndpointObserver o : copy) {
            Objects.requireNonNull(o, "observer");
        }
        return (endpoint, uri) -> {
            Call[] calls = new Call[copy.length];
            for (int i = 0; i < copy.length; i++) {
                EndpointObserver o = copy[i];
                int index = i;
                Listeners.safely(() -> calls[index] = o.start(endpoint, uri));
            }
            return new Call() {
                @Override
                public void responded(int status) {
                    for (Call c : calls) {
                        if (c != null) {
                            Listeners.safely(() -> c.responded(status));
                        }
                    }
                }

                @Override
                public void failed(String reason) {
                    for (Call c : calls) {
                        if (c != null) {
                            Listeners.safely(() -> c.failed(reason));
                        }
                    }
                }
            };
        };
    }
}

final class NoEndpointObserver implements EndpointObserver, EndpointObserver.Call {
    static final NoEndpointObserver INSTANCE = new NoEndpointObserver();

    @Override
    public Call start(Endpoint endpoint, URI uri) {
        return this;
    }

    @Override
    public void responded(int status) {
    }

    @Override
    public void failed(String reason) {
    }
}
