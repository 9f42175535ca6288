package dev.baton.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A fake OAuth authorization server for tests, served by a {@link MockWebServer} over loopback:
 * RFC 8414 and OpenID Connect discovery, a JWKS with an RSA 2048 and an EC P-256 key generated
 * in the test, an optional RFC 7662 introspection endpoint, and a fluent minter of signed JWTs
 * (including hostile ones) via {@link #token()}.
 *
 * <pre>{@code
 * @StartStop
 * private final MockWebServer server = new MockWebServer();
 * private final TestAuthorizationServer as = new TestAuthorizationServer(server);
 *
 * String jwt = as.token().subject("alice").audience("mcpserver").scope("mcp:tools:call").sign();
 * TokenValidator v = TokenValidator.builder().issuer(as.issuer()).audience("mcpserver").build();
 * }</pre>
 *
 * <p>Paths, for issuer path {@code /oauth2/mcp} (the default): metadata at
 * {@code /.well-known/oauth-authorization-server/oauth2/mcp} (RFC 8414 §3.1) and
 * {@code /oauth2/mcp/.well-known/openid-configuration}; JWKS at {@code /oauth2/mcp/v1/keys};
 * introspection at {@code /oauth2/mcp/v1/introspect}; token endpoint at {@code /oauth2/mcp/v1/token}
 * (answered by {@link #route}). Every other path answers 404. Thread-safe.
 *
 * <p>Every token and client credential that crosses it (requests and JSON answers) is remembered in
 * {@link IssuedSecrets}, so the run fails if a log line shows one.
 *
 * <p>Other modules use it through the {@code dev.baton:baton-core:test-jar} dependency (scope test);
 * they also need {@code mockwebserver3-junit5} on their test class path.
 */
public final class TestAuthorizationServer {
    /** Which discovery documents the server answers. */
    public enum Discovery {
        /** Only RFC 8414 {@code oauth-authorization-server} (the default). */
        RFC8414,
        /** Only OpenID Connect {@code openid-configuration}; the RFC 8414 URL answers 404. */
        OIDC,
        /** Both. */
        BOTH,
        /** Neither: both well-known URLs answer 404. */
        NONE
    }

    /*
     * RSA key generation costs up to a second on a loaded machine, so the initial keys come from a
     * small pool generated once per JVM. Consecutive instances (for example two issuers in one test)
     * always get different keys; rotate() and otherRsaKey() still generate fresh ones.
     */
    private static final int POOL_SIZE = 4;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final RSAKey[] RSA_POOL = new RSAKey[POOL_SIZE];
    private static final ECKey[] EC_POOL = new ECKey[POOL_SIZE];

    private static synchronized RSAKey pooledRsaKey(int slot) {
        if (RSA_POOL[slot] == null) {
            try {
                RSA_POOL[slot] = new RSAKeyGenerator(2048).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
        return RSA_POOL[slot];
    }

    private static synchronized ECKey pooledEcKey(int slot) {
        if (EC_POOL[slot] == null) {
            try {
                EC_POOL[slot] = new ECKeyGenerator(Curve.P_256).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
        return EC_POOL[slot];
    }

    private final MockWebServer server;
    private final String issuerPath;
    private final RSAKey rsaKey;
    private final ECKey ecKey;
    private final AtomicReference<RSAKey> signingKey = new AtomicReference<>();
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, Function<RecordedRequest, MockResponse>> routes = new ConcurrentHashMap<>();
    private final AtomicInteger rotations = new AtomicInteger();
    private volatile Discovery discovery = Discovery.RFC8414;
    private volatile String metadataIssuer;
    private volatile Function<RecordedRequest, MockResponse> jwksOverride;
    private volatile Function<String, MockResponse> introspection;
    private volatile Clock clock = Clock.systemUTC();

    /** A server at issuer path {@code /oauth2/mcp}. Installs its dispatcher on {@code server}. */
    public TestAuthorizationServer(MockWebServer server) {
        this(server, "/oauth2/mcp");
    }

    /**
     * A server whose issuer is {@code server.url(issuerPath)} without a trailing slash.
     *
     * @param issuerPath the issuer's path, starting with {@code /}; {@code ""} for a host-only issuer
     */
    public TestAuthorizationServer(MockWebServer server, String issuerPath) {
        this.server = Objects.requireNonNull(server, "server");
        if (!issuerPath.isEmpty() && (!issuerPath.startsWith("/") || issuerPath.endsWith("/"))) {
            throw new IllegalArgumentException("issuerPath must start and not end with '/': " + issuerPath);
        }
        this.issuerPath = issuerPath;
        int slot = Math.floorMod(INSTANCES.getAndIncrement(), POOL_SIZE);
        this.rsaKey = new RSAKey.Builder(pooledRsaKey(slot)).keyID("rsa-1").build();
        this.ecKey = new ECKey.Builder(pooledEcKey(slot)).keyID("ec-1").build();
        signingKey.set(rsaKey);
        published.add(rsaKey.toPublicJWK());
        published.add(ecKey.toPublicJWK());
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return TestAuthorizationServer.this.dispatch(request);
            }
        });
    }

    // ---- addresses ------------------------------------------------------------------------

    /** The issuer identifier, e.g. {@code http://127.0.0.1:PORT/oauth2/mcp}. */
    public String issuer() {
        String url = server.url(issuerPath.isEmpty() ? "/" : issuerPath).toString();
        return issuerPath.isEmpty() ? url.substring(0, url.length() - 1) : url;
    }

    /** The JWKS URI. */
    public String jwksUri() {
        return issuer() + "/v1/keys";
    }

    /** The RFC 7662 introspection endpoint. */
    public String introspectionEndpoint() {
        return issuer() + "/v1/introspect";
    }

    /** The token endpoint (answered by a {@link #route} for {@code /v1/token}, 404 otherwise). */
    public String tokenEndpoint() {
        return issuer() + "/v1/token";
    }

    /** The RFC 8414 §3.1 metadata path. */
    public String rfc8414Path() {
        return "/.well-known/oauth-authorization-server" + issuerPath;
    }

    /** The OpenID Connect Discovery §4 metadata path. */
    public String oidcPath() {
        return issuerPath + "/.well-known/openid-configuration";
    }

    // ---- behaviour ------------------------------------------------------------------------

    /** Chooses which discovery documents are served. */
    public TestAuthorizationServer discovery(Discovery mode) {
        this.discovery = Objects.requireNonNull(mode);
        return this;
    }

    /** Makes the metadata documents name {@code issuer} instead of the real one (issuer-mismatch tests). */
    public TestAuthorizationServer metadataIssuer(String issuer) {
        this.metadataIssuer = issuer;
        return this;
    }

    /** The clock used for {@code iat}, {@code exp} and {@code nbf} of minted tokens (default: system UTC). */
    public TestAuthorizationServer clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /** Serves the JWKS request with {@code response} (5xx, malformed, slow...) until {@link #restoreJwks()}. */
    public TestAuthorizationServer jwksResponse(MockResponse response) {
        this.jwksOverride = r -> response;
        return this;
    }

    /** Answers JWKS requests with {@code handler} (which may block, bounded) until {@link #restoreJwks()}. */
    public TestAuthorizationServer jwksHandler(Function<RecordedRequest, MockResponse> handler) {
        this.jwksOverride = Objects.requireNonNull(handler);
        return this;
    }

    /** Serves the JWKS normally again. */
    public TestAuthorizationServer restoreJwks() {
        this.jwksOverride = null;
        return this;
    }

    /**
     * Answers RFC 7662 introspection requests: {@code handler} receives the {@code token} form
     * parameter and returns the response. Without a handler the endpoint answers 404.
     */
    public TestAuthorizationServer introspection(Function<String, MockResponse> handler) {
        this.introspection = handler;
        return this;
    }

    /** Answers {@code issuerPath + relativePath} (e.g. {@code /v1/token}) with {@code handler}. */
    public TestAuthorizationServer route(String relativePath, Function<RecordedRequest, MockResponse> handler) {
        routes.put(issuerPath + relativePath, Objects.requireNonNull(handler));
        return this;
    }

    /** A JSON response with status 200. */
    public static MockResponse json(String body) {
        return json(200, body);
    }

    /** A JSON response. */
    public static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
                .body(body).build();
    }

    // ---- keys -----------------------------------------------------------------------------

    /** The first RSA 2048 key ({@code kid} {@code rsa-1}), private part included. */
    public RSAKey rsaKey() {
        return rsaKey;
    }

    /** The EC P-256 key ({@code kid} {@code ec-1}), private part included. */
    public ECKey ecKey() {
        return ecKey;
    }

    /** The RSA key tokens are signed with by default (changes on {@link #rotate()}). */
    public RSAKey signingKey() {
        return signingKey.get();
    }

    /**
     * Generates a new RSA 2048 key ({@code kid} {@code rsa-2}, {@code rsa-3}, ...), publishes it and
     * makes it the default signing key. The old key stays published until {@link #unpublish(String)}.
     */
    public RSAKey rotate() {
        try {
            RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-" + (rotations.incrementAndGet() + 1)).generate();
            published.add(next.toPublicJWK());
            signingKey.set(next);
            return next;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes the public part of {@code key} (or {@code key} itself when it has no private part, e.g. {@code oct}). */
    public TestAuthorizationServer publish(JWK key) {
        JWK pub = key.toPublicJWK();
        published.add(pub == null ? key : pub);
        return this;
    }

    /** Removes every published key with this {@code kid}. */
    public TestAuthorizationServer unpublish(String kid) {
        published.removeIf(k -> kid.equals(k.getKeyID()));
        return this;
    }

    /** The JWKS document as currently served. */
    public String jwksJson() {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (JWK k : published) {
            keys.add(k.toJSONObject());
        }
        return JSONObjectUtils.toJSONString(Map.of("keys", keys));
    }

    /** A new RSA 2048 key that is not published, for "signed by someone else" tests. */
    public static RSAKey otherRsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new RSA key of {@code bits} (weak sizes allowed), for "key too small" tests. */
    public static RSAKey weakRsaKey(String kid, int bits) {
        try {
            return new RSAKeyGenerator(bits, true).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- counters -------------------------------------------------------------------------

    /** How many JWKS requests were received. */
    public int jwksRequests() {
        return count("jwks");
    }

    /** How many discovery requests (either well-known URL) were received. */
    public int discoveryRequests() {
        return count("discovery");
    }

    /** How many introspection requests were received. */
    public int introspectionRequests() {
        return count("introspect");
    }

    /** How many requests of any kind were received. */
    public int totalRequests() {
        return count("all");
    }

    private int count(String what) {
        AtomicInteger c = counts.get(what);
        return c == null ? 0 : c.get();
    }

    private void inc(String what) {
        counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    // ---- tokens ---------------------------------------------------------------------------

    /**
     * A token builder with this server's issuer, the current signing key (RS256), {@code typ}
     * {@code at+jwt}, {@code iat} now and {@code exp} in 5 minutes, by the server's clock.
     */
    public JwtBuilder token() {
        return new JwtBuilder(issuer(), signingKey.get(), clock);
    }

    // ---- dispatching ----------------------------------------------------------------------

    private MockResponse dispatch(RecordedRequest request) {
        MockResponse response = answer(request);
        CredentialsSeen.remember(request, response);
        return response;
    }

    private MockResponse answer(RecordedRequest request) {
        inc("all");
        String path = request.getUrl().encodedPath();
        Discovery mode = discovery;
        if (path.equals(rfc8414Path())) {
            inc("discovery");
            return mode == Discovery.RFC8414 || mode == Discovery.BOTH ? json(metadata(false)) : notFound();
        }
        if (path.equals(oidcPath())) {
            inc("discovery");
            return mode == Discovery.OIDC || mode == Discovery.BOTH ? json(metadata(true)) : notFound();
        }
        if (path.equals(issuerPath + "/v1/keys")) {
            inc("jwks");
            Function<RecordedRequest, MockResponse> o = jwksOverride;
            return o != null ? o.apply(request) : json(jwksJson());
        }
        if (path.equals(issuerPath + "/v1/introspect")) {
            inc("introspect");
            Function<String, MockResponse> h = introspection;
            if (h == null) {
                return notFound();
            }
            return h.apply(formParameter(request.getBody() == null ? "" : request.getBody().utf8(), "token"));
        }
        Function<RecordedRequest, MockResponse> route = routes.get(path);
        return route != null ? route.apply(request) : notFound();
    }

    private String metadata(boolean oidc) {
        String iss = metadataIssuer != null ? metadataIssuer : issuer();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", iss);
        m.put("authorization_endpoint", issuer() + "/v1/authorize");
        m.put("token_endpoint", tokenEndpoint());
        m.put("jwks_uri", jwksUri());
        m.put("introspection_endpoint", introspectionEndpoint());
        m.put("response_types_supported", List.of("code"));
        m.put("grant_types_supported", List.of("authorization_code",
                "urn:ietf:params:oauth:grant-type:token-exchange"));
        if (oidc) {
            m.put("subject_types_supported", List.of("public"));
            m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        }
        return JSONObjectUtils.toJSONString(m);
    }

    private static MockResponse notFound() {
        return new MockResponse.Builder().code(404).body("not found").build();
    }

    private static String formParameter(String body, String name) {
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Signs {@code signingInput} with {@code alg} and {@code key}; used by {@link JwtBuilder}. */
    static com.nimbusds.jose.util.Base64URL sign(com.nimbusds.jose.JWSSigner signer, String alg, byte[] signingInput) {
        try {
            return signer.sign(new JWSHeader(JWSAlgorithm.parse(alg)), signingInput);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign test token: " + e.getMessage(), e);
        }
    }

    /** Parses a JWKS, for tests that want to inspect what is served. */
    public JWKSet jwks() {
        try {
            return JWKSet.parse(jwksJson());
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
