package dev.baton.internal.validation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.baton.EndpointObserver;
import dev.baton.internal.Endpoints;
import dev.baton.internal.http.BoundedHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys, fetched from its JWKS URI and kept as ready-to-use verifiers per
 * {@code kid}, so a validation never converts a JWK or parses the key set.
 *
 * <ul>
 *   <li>Cached for {@link #LIFETIME}; refreshed in the background once less than
 *       {@link #REFRESH_AHEAD} of that lifetime remains, so callers do not wait. Past the lifetime
 *       one caller fetches; while that fetch is in progress, other callers are served the old keys
 *       if they are still usable (see {@link #OUTAGE_TOLERANCE}) instead of waiting for it.</li>
 *   <li>An unknown {@code kid} triggers a re-fetch at most once per {@link #MIN_REFRESH_INTERVAL}
 *       (a random-{@code kid} flood costs at most one request per interval); failed fetches are
 *       retried at the same bounded rate.</li>
 *   <li>When a refresh fails, the previous keys stay usable for {@link #OUTAGE_TOLERANCE} beyond
 *       their lifetime; after that, with no usable key, validation reports the server unavailable.
 *       While the latest fetch has failed, a token no cached key fits is reported the same way,
 *       not as a bad token: its key may be one the issuer published during the outage.</li>
 *   <li>Keys that must never verify are dropped when the set is read: symmetric ({@code oct}) and
 *       other unsupported types, {@code use} other than {@code sig}, {@code key_ops} without
 *       {@code verify}, RSA keys under 2048 bits (RFC 7518 §3.3), EC keys off the P-256/384/521 curves.</li>
 * </ul>
 *
 * <p>Times come from the injected {@link Clock}. Not API.
 */
public final class JwksCache {
    /** How long a fetched key set is used before it must be fetched again. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    /** How long before the end of the lifetime a background refresh starts. */
    public static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);
    /** The least time between two fetches caused by an unknown {@code kid} or a failure. */
    public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** How long past their lifetime keys stay usable while the JWKS endpoint fails. */
    public static final Duration OUTAGE_TOLERANCE = Duration.ofMinutes(15);
    /** The largest JWKS document accepted. */
    public static final int MAX_JWKS_BYTES = 512 * 1024;
    /** The most keys kept from one document. */
    public static final int MAX_KEYS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);

    /** Where the JWKS lives; may need discovery first. */
    @FunctionalInterface
    public interface UriSource {
        /** The JWKS URI. */
        URI get() throws IOException;
    }

    /**
     * A usable public key: the key itself (for {@link JcaSignatures}), its Nimbus verifier (for the
     * algorithms JcaSignatures leaves to Nimbus), the algorithm it is restricted to (or null) and its
     * key type.
     */
    record Key(String kid, PublicKey publicKey, JWSVerifier verifier, JWSAlgorithm alg, boolean rsa, Curve curve) {
        boolean accepts(JWSAlgorithm tokenAlg) {
            if (alg != null && !alg.equals(tokenAlg)) {
                return false;
            }
            if (rsa) {
                return JWSAlgorithm.Family.RSA.contains(tokenAlg);
            }
            return curve != null && Curve.forJWSAlgorithm(tokenAlg) != null
                    && Curve.forJWSAlgorithm(tokenAlg).contains(curve);
        }
    }

    /** One fetched key set. */
    record Keys(Map<String, List<Key>> byKid, List<Key> all, Instant fetchedAt) {
    }

    /** The keys could not be fetched and none are usable. */
    public static final class KeysUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        KeysUnavailableException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final HttpClient client;
    private final EndpointObserver observer;
    private final UriSource uri;
    private final Clock clock;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Keys keys;
    private volatile Instant lastAttempt;
    private volatile IOException lastFailure;

    /**
     * @param client the HTTP client (no redirects)
     * @param observer told of each fetch
     * @param uri where the JWKS is
     * @param clock the clock for lifetimes
     * @param timeout the total deadline of one fetch
     */
    public JwksCache(HttpClient client, EndpointObserver observer, UriSource uri, Clock clock, Duration timeout) {
        this.client = client;
        this.observer = observer;
        this.uri = uri;
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * The verifiers that may check a token with this {@code kid} (or without one, when null) and algorithm.
     * An empty list means no published key fits, as the JWKS endpoint said at its latest fetch.
     *
     * @throws KeysUnavailableException if no key set could be fetched and no earlier one is still
     *     usable, or if no cached key fits and the latest fetch failed (a key published during an
     *     outage cannot be told from a forged {@code kid})
     */
    public List<Key> verifiersFor(String kid, JWSAlgorithm alg) throws KeysUnavailableException {
        Instant now = clock.instant();
        Keys current = keys;
        if (current == null || !now.isBefore(current.fetchedAt().plus(LIFETIME))) {
            // Past their lifetime: fetch now, so a key the issuer removed stops verifying. But when
            // the old keys are still usable and another caller is already fetching (perhaps from a
            // hanging endpoint), do not queue behind it: serve the old keys.
            current = refreshNow(now, current, current == null || !withinOutageTolerance(now, current));
        } else if (!now.isBefore(current.fetchedAt().plus(LIFETIME).minus(REFRESH_AHEAD))) {
            refreshInBackground(now);
        }
        List<Key> found = find(current, kid, alg);
        if (found.isEmpty() && kid != null && mayFetch(now)) {
            // Unknown kid: the issuer may have rotated keys (RFC 7517 §5, OIDC Core §10.1.1).
            // Waits (bounded) for a fetch in progress: it may bring this kid.
            current = refreshNow(now, current, true);
            found = find(current, kid, alg);
        }
        IOException failure = lastFailure;
        if (found.isEmpty() && failure != null) {
            // The latest fetch failed, so the key may be one the issuer published meanwhile: Baton
            // cannot tell, and invalid_token would blame the token (RFC 6750 §3.1) and send the
            // client to re-authenticate for a token signed with the same key.
            throw new KeysUnavailableException("no cached key fits the token and the JWKS endpoint is failing",
                    failure);
        }
        return found;
    }

    private static List<Key> find(Keys keys, String kid, JWSAlgorithm alg) {
        List<Key> candidates = kid != null ? keys.byKid().getOrDefault(kid, List.of()) : keys.all();
        List<Key> out = new ArrayList<>(Math.min(candidates.size(), 4));
        for (Key k : candidates) {
            if (k.accepts(alg)) {
                out.add(k);
            }
        }
        return out;
    }

    private boolean mayFetch(Instant now) {
        Instant last = lastAttempt;
        return last == null || !now.isBefore(last.plus(MIN_REFRESH_INTERVAL));
    }

    private Keys refreshNow(Instant now, Keys seen, boolean waitForFetch) throws KeysUnavailableException {
        boolean locked;
        try {
            locked = waitForFetch ? lock.tryLock(timeout.toNanos() * 2, TimeUnit.NANOSECONDS) : lock.tryLock();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            return usable(now, keys, null);
        }
        try {
            Keys current = keys;
            if (current != seen && current != null && now.isBefore(current.fetchedAt().plus(LIFETIME))) {
                return current;
            }
            if (!mayFetch(now)) {
                return usable(now, current, lastFailure);
            }
            lastAttempt = now;
            try {
                Keys fetched = fetch(now);
                keys = fetched;
                lastFailure = null;
                return fetched;
            } catch (IOException e) {
                lastFailure = e;
                LOG.warn("JWKS fetch failed: {}", describe(e));
                return usable(now, current, e);
            }
        } finally {
            lock.unlock();
        }
    }

    private static boolean withinOutageTolerance(Instant now, Keys k) {
        return now.isBefore(k.fetchedAt().plus(LIFETIME).plus(OUTAGE_TOLERANCE));
    }

    private static Keys usable(Instant now, Keys current, IOException failure) throws KeysUnavailableException {
        if (current != null && withinOutageTolerance(now, current)) {
            return current;
        }
        throw new KeysUnavailableException("the issuer's signing keys are unavailable", failure);
    }

    private void refreshInBackground(Instant started) {
        if (!mayFetch(started) || !refreshing.compareAndSet(false, true)) {
            return;
        }
        URI target;
        try {
            target = uri.get();
        } catch (IOException | RuntimeException e) {
            refreshing.set(false);
            return;
        }
        BoundedHttp.sendAsyncBounded(client, observer, EndpointObserver.Endpoint.JWKS, request(target), timeout,
                MAX_JWKS_BYTES).whenComplete((r, t) -> {
            try {
                if (t == null) {
                    Keys fetched = parse(r, started);
                    lock.lock();
                    try {
                        keys = fetched;
                        lastAttempt = started;
                        lastFailure = null;
                    } finally {
                        lock.unlock();
                    }
                } else {
                    lastAttempt = started;
                    lastFailure = new IOException("background JWKS refresh failed", t);
                    LOG.warn("background JWKS refresh failed: {}", describe(t));
                }
            } catch (IOException e) {
                lastAttempt = started;
                lastFailure = e;
                LOG.warn("background JWKS refresh failed: {}", describe(e));
            } finally {
                refreshing.set(false);
            }
        });
    }

    private Keys fetch(Instant now) throws IOException {
        BoundedHttp.Response r = BoundedHttp.send(client, observer, EndpointObserver.Endpoint.JWKS, request(uri.get()),
                timeout, MAX_JWKS_BYTES);
        return parse(r, now);
    }

    private static HttpRequest request(URI target) {
        return HttpRequest.newBuilder(target).GET().header("Accept", "application/json").build();
    }

    private static Keys parse(BoundedHttp.Response r, Instant now) throws IOException {
        if (r.status() != 200) {
            throw new IOException("JWKS endpoint answered HTTP " + r.status());
        }
        JWKSet set;
        try {
            set = JWKSet.parse(new String(r.body(), StandardCharsets.UTF_8));
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IOException("malformed JWKS document", e);
        }
        Map<String, List<Key>> byKid = new HashMap<>();
        List<Key> all = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (all.size() >= MAX_KEYS) {
                break;
            }
            Key k = toKey(jwk);
            if (k != null) {
                all.add(k);
                if (k.kid() != null) {
                    byKid.computeIfAbsent(k.kid(), x -> new ArrayList<>(1)).add(k);
                }
            }
        }
        byKid.replaceAll((kid, list) -> List.copyOf(list));
        return new Keys(Map.copyOf(byKid), List.copyOf(all), now);
    }

    private static String describe(Throwable t) {
        // Messages may carry remote text (a discovered issuer): printable ASCII only, no CR/LF injection.
        return t.getMessage() == null ? t.getClass().getSimpleName() : Endpoints.printable(t.getMessage(), 512);
    }

    /** Converts a JWK to a verifier once, or returns null for a key that must never verify. */
    static Key toKey(JWK jwk) {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return null;
        }
        Set<KeyOperation> ops = jwk.getKeyOperations();
        if (ops != null && !ops.contains(KeyOperation.VERIFY)) {
            return null;
        }
        JWSAlgorithm alg = jwk.getAlgorithm() == null ? null : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
        try {
            if (jwk instanceof RSAKey rsa) {
                if (rsa.size() < 2048) {
                    return null;
                }
                RSAPublicKey key = rsa.toRSAPublicKey();
                return new Key(jwk.getKeyID(), key, new RSASSAVerifier(key), alg, true, null);
            }
            if (jwk instanceof ECKey ec) {
                Curve c = ec.getCurve();
                if (!Curve.P_256.equals(c) && !Curve.P_384.equals(c) && !Curve.P_521.equals(c)) {
                    return null;
                }
                // ECDSAVerifier's constructor also checks that the point is on the curve.
                ECPublicKey key = ec.toECPublicKey();
                return new Key(jwk.getKeyID(), key, new ECDSAVerifier(key), alg, false, c);
            }
        } catch (JOSEException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
