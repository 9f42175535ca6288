package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.TokenExchanger;
import dev.baton.redis.testkit.Fleet;
import dev.baton.redis.testkit.FleetAuthorizationServer;
import dev.baton.redis.testkit.RedisProcess;
import dev.baton.redis.testkit.SharingCheck;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code rediss://}: a fleet over TLS to a redis-server with TLS on (the bundled binary has it built
 * in). The server's certificate, for 127.0.0.1, comes from a test CA in src/test/resources/tls: made
 * for these tests on loopback only, never trusted anywhere else. The client trusts what the JVM's
 * trust store holds (Lettuce's default, with the peer's name verified), so the trusting test sets it.
 * The case with the JVM's own trust store runs first: TLS defaults made once in a JVM may be kept (by
 * the JDK or Netty), so the CA trusted by the other case could otherwise still be trusted here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsTest {
    private static final String TRUST_STORE = "javax.net.ssl.trustStore";
    private static final String TRUST_STORE_TYPE = "javax.net.ssl.trustStoreType";
    private static final String TRUST_STORE_PASSWORD = "javax.net.ssl.trustStorePassword";

    private static RedisProcess redis;
    private static int tlsPort;
    private static FleetAuthorizationServer as;
    private static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        tlsPort = RedisProcess.freePort();
        redis = RedisProcess.start(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", file("redis.crt"),
                "--tls-key-file", file("redis.key"), "--tls-ca-cert-file", file("ca.crt"), "--tls-auth-clients", "no"));
        as = new FleetAuthorizationServer();
        trustStore = Files.createTempFile("baton-test-ca", ".p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream ca = Files.newInputStream(Path.of(file("ca.crt")))) {
            store.setCertificateEntry("baton-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            store.store(out, "changeit".toCharArray());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (as != null) {
            as.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (trustStore != null) {
            Files.deleteIfExists(trustStore);
        }
    }

    private static String file(String name) throws URISyntaxException {
        return Path.of(TlsTest.class.getResource("/tls/" + name).toURI()).toString();
    }

    private static String uri() {
        return "rediss://127.0.0.1:" + tlsPort;
    }

    @Test
    @Order(2)
    void replicasTrustingTheServersCaShareTokensOverTls() throws Exception {
        String[] saved = {System.getProperty(TRUST_STORE), System.getProperty(TRUST_STORE_TYPE),
            System.getProperty(TRUST_STORE_PASSWORD)};
        System.setProperty(TRUST_STORE, trustStore.toString());
        System.setProperty(TRUST_STORE_TYPE, "PKCS12");
        System.setProperty(TRUST_STORE_PASSWORD, "changeit");
        try (RedisTokenCache sharedA = Fleet.sharedCache(uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build()) {
            // The first TLS handshakes of a cold JVM can outlast the first calls' wait for a connection.
            int from = SharingCheck.awaitSharing(a, b, 1000, 30);
            int before = as.calls();
            int wrong = SharingCheck.wrongOrFailed(a, b, from, from + 20);

            assertThat(wrong).isZero();
            assertThat(as.calls() - before).as(as::describe).isEqualTo(20);
            assertThat(sharedA.isDegraded()).isFalse();
        } finally {
            restore(TRUST_STORE, saved[0]);
            restore(TRUST_STORE_TYPE, saved[1]);
            restore(TRUST_STORE_PASSWORD, saved[2]);
        }
    }

    @Test
    @Order(1)
    void aServerCertificateNotTrustedFailsNoCallAndRedisIsSkipped() throws Exception {
        int before = as.calls();
        try (RedisTokenCache sharedA = Fleet.sharedCache(uri()).build();
                RedisTokenCache sharedB = Fleet.sharedCache(uri()).build();
                TokenExchanger a = Fleet.exchanger(as.tokenEndpoint(), sharedA).build();
                TokenExchanger b = Fleet.exchanger(as.tokenEndpoint(), sharedB).build()) {
            int wrong = SharingCheck.wrongOrFailed(a, b, 100, 110);

            assertThat(wrong).isZero();
            assertThat(as.calls() - before).isEqualTo(20);
            assertThat(SharingCheck.becomesDegraded(sharedA, a)).isTrue();
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
