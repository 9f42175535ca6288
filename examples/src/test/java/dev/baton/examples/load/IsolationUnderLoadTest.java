package dev.baton.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.AuditListener;
import dev.baton.ClientAuthentication;
import dev.baton.ExchangeRequest;
import dev.baton.TokenExchanger;
import dev.baton.TokenType;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import dev.baton.okhttp.TokenExchangeInterceptor;
import dev.baton.servlet.BearerTokenFilter;
import dev.baton.testkit.IssuedSecrets;
import dev.baton.testkit.TestAuthorizationServer;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * Filter, interceptor and exchanger in one process under load (docs/security.md cases 28 and 29):
 * 1,000 users make 20 calls each from 32 threads through {@link BearerTokenFilter} to a servlet
 * that calls a backend through {@link TokenExchangeInterceptor}. The token endpoint names the
 * subject in every token it issues; the backend refuses any token that is not the requesting
 * user's. Lives in the examples because that is where all three modules are on one class path.
 */
class IsolationUnderLoadTest {
    private static final int USERS = 1_000;
    private static final int CALLS_PER_USER = 20;
    private static final int THREADS = 32;
    private static final String AUDIENCE = "mcpserver";
    private static final String SCOPE = "mcp:tools:call";
    /**
     * Each user's token carries a claim of this many characters, and each exchanged token is padded
     * too ({@link LoopbackServers#PADDING}): the verified-token cache of 1,000 users then holds about
     * 7 MiB and the exchange cache about 6 MiB, each far above what garbage collection leaves to chance.
     */
    private static final int PADDING = 3_000;
    /** Generous (about 2 MiB stay: pools, buffers) yet below what either cache holds, had it kept its entries. */
    private static final long HEAP_MARGIN = 6L << 20;
    /** What the full caches must at least add: otherwise the heap check could not see them stay. */
    private static final long CACHED_AT_LEAST = 10L << 20;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyUserGetsOnlyTheirOwnTokenAndOneExchangeAndTheHeapReturnsAfterTheCacheIsCleared() throws Exception {
        LoopbackServers.TokenEndpoint tokenEndpoint = new LoopbackServers.TokenEndpoint();
        LoopbackServers.Backend backend = new LoopbackServers.Backend();
        AtomicReference<Filter> front = new AtomicReference<>();
        Server tokens = LoopbackServers.start(tokenEndpoint);
        Server api = LoopbackServers.start(backend);
        try (MockWebServer idp = new MockWebServer();
                TokenExchanger exchanger = TokenExchanger.builder()
                        .tokenEndpoint(LoopbackServers.uri(tokens, "/token"))
                        .clientAuthentication(ClientAuthentication.clientSecretBasic("mcp-server",
                                IssuedSecrets.remember("isolation-test-client-secret")))
                        .auditListener(AuditListener.none()).build()) {
            idp.start();
            TestAuthorizationServer as = new TestAuthorizationServer(idp);
            OkHttpClient okhttp = TokenExchangeInterceptor.builder(exchanger)
                    .route(LoopbackServers.uri(api, "/data").toString(), r -> r.audience("backend").scopes("backend-api:read"))
                    .allowHttpOnLoopback().installOn(new OkHttpClient.Builder()).build();
            Server mcp = LoopbackServers.start(new CallingServlet(okhttp, LoopbackServers.uri(api, "/data")),
                    (request, response, chain) -> front.get().doFilter(request, response, chain));
            try {
                // Held only here and by the filter, so replacing it drops its verified-token cache.
                AtomicReference<TokenValidator> validator = new AtomicReference<>(install(front, as, mcp));
                URI endpoint = LoopbackServers.uri(mcp, "/mcp/call");
                List<String> users = new ArrayList<>();
                List<String> userTokens = new ArrayList<>();
                for (int i = 0; i < USERS; i++) {
                    users.add(String.format("user-%04d", i));
                    userTokens.add(as.token().subject(users.get(i)).audience(AUDIENCE).scope(SCOPE)
                            .claim("padding", users.get(i) + "-" + "p".repeat(PADDING)).sign());
                }
                // The same load for 64 other users first: the connection and buffer pools of the
                // servers and clients reach their size under 32 threads before the baseline.
                List<String> warmUpUsers = new ArrayList<>();
                List<String> warmUpTokens = new ArrayList<>();
                for (int i = 0; i < 2 * THREADS; i++) {
                    warmUpUsers.add("warm-up-" + i);
                    warmUpTokens.add(as.token().subject(warmUpUsers.get(i)).audience(AUDIENCE).scope(SCOPE).sign());
                }
                assertThat(runLoad(endpoint, warmUpUsers, warmUpTokens, 5)).isZero();
                int exchangesBefore = tokenEndpoint.calls.get();
                long baseline = usedHeapAfterGc();

                int mismatches = runLoad(endpoint, users, userTokens, CALLS_PER_USER);
                long loaded = usedHeapAfterGc();

                assertThat(mismatches).as("answers naming another user").isZero();
                assertThat(backend.mismatches).as("tokens of another user at the backend").hasValue(0);
                assertThat(tokenEndpoint.calls.get() - exchangesBefore).as("token endpoint calls").isEqualTo(USERS);

                for (String token : userTokens) {
                    exchanger.invalidate(ExchangeRequest.builder().subjectToken(token, TokenType.ACCESS_TOKEN)
                            .audience("backend").scopes("backend-api:read").build());
                }
                validator.getAndSet(install(front, as, mcp)).close();
                String first = userTokens.get(0);
                userTokens.clear();
                long cleared = usedHeapAfterGc();
                // The entries really were dropped: the next call of a user exchanges again.
                assertThat(call(endpoint, users.get(0), first)).isEqualTo(users.get(0));
                assertThat(tokenEndpoint.calls.get() - exchangesBefore).as("token endpoint calls").isEqualTo(USERS + 1);
                validator.get().close();

                assertThat(loaded - baseline).as("heap the full caches added").isGreaterThan(CACHED_AT_LEAST);
                assertThat(cleared - baseline).as("heap above the baseline once the caches are cleared (full: +%d KiB)",
                        (loaded - baseline) >> 10).isLessThan(HEAP_MARGIN);
            } finally {
                mcp.stop();
            }
        } finally {
            tokens.stop();
            api.stop();
        }
    }

    /** Installs a filter with a new validator (an empty verified-token cache) in front of the servlet; returns the validator. */
    private static TokenValidator install(AtomicReference<Filter> front, TestAuthorizationServer as, Server mcp) {
        TokenValidator validator = TokenValidator.builder().issuer(as.issuer()).audience(AUDIENCE)
                .auditListener(AuditListener.none()).build();
        front.set(BearerTokenFilter.builder(validator).resource(LoopbackServers.uri(mcp, "/mcp").toString())
                .authorizationServers(as.issuer()).auditListener(AuditListener.none()).build());
        return validator;
    }

    /** Each user's calls, shuffled, from {@link #THREADS} threads; returns how many answers named another user. */
    private int runLoad(URI endpoint, List<String> users, List<String> tokens, int callsPerUser) throws Exception {
        List<Integer> calls = new ArrayList<>();
        for (int i = 0; i < users.size() * callsPerUser; i++) {
            calls.add(i % users.size());
        }
        Collections.shuffle(calls, new java.util.Random(15));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger mismatches = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < calls.size(); i = next.getAndIncrement()) {
                        int user = calls.get(i);
                        if (!users.get(user).equals(call(endpoint, users.get(user), tokens.get(user)))) {
                            mismatches.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return mismatches.get();
    }

    private String call(URI endpoint, String user, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header(LoopbackServers.USER_HEADER, user).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode();
    }

    /** Used heap after garbage collection has settled (three rounds, the last two close to each other). */
    private static long usedHeapAfterGc() {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int round = 0; round < 10; round++) {
            System.gc();
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (round >= 2 && Math.abs(previous - used) < (256 << 10)) {
                break;
            }
            previous = used;
        }
        return used;
    }

    /** The application behind the filter: calls the backend for the request's user with its validated token. */
    private static final class CallingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient OkHttpClient okhttp;
        private final URI backend;

        CallingServlet(OkHttpClient okhttp, URI backend) {
            this.okhttp = okhttp;
            this.backend = backend;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Request call = new Request.Builder().url(backend.toString())
                    .header(LoopbackServers.USER_HEADER, req.getHeader(LoopbackServers.USER_HEADER))
                    .tag(ValidatedToken.class, BearerTokenFilter.validatedToken(req)).build();
            try (Response answer = okhttp.newCall(call).execute()) {
                resp.setStatus(answer.code());
                resp.setContentType("text/plain");
                resp.getWriter().write(answer.body().string());
            }
        }
    }
}
