package dev.baton.redis.testkit;

import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import dev.baton.redis.RedisTokenCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica in a JVM of its own, started by {@link SecondJvm}: one exchanger with the Redis shared
 * cache. It prints {@code ready}, waits for {@code go} on standard input, then:
 * <ul>
 * <li>{@code load TOKEN_ENDPOINT REDIS_URI USERS CALLS_PER_USER THREADS}: makes CALLS_PER_USER
 * exchanges for each of USERS users, in a shuffled order, on THREADS threads, and prints
 * {@code done OK WRONG FAILED} (WRONG: a token that is not the user's own);</li>
 * <li>{@code hold TOKEN_ENDPOINT REDIS_URI USER}: exchanges for one user (whose answer the test's
 * authorization server holds) and waits to be killed.</li>
 * </ul>
 * It exits when standard input closes.
 */
public final class ReplicaMain {
    private ReplicaMain() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (RedisTokenCache shared = Fleet.sharedCache(args[2]).build();
                TokenExchanger exchanger = Fleet.exchanger(args[1], shared).build()) {
            System.out.println("ready");
            System.out.flush();
            if (!"go".equals(in.readLine())) {
                return;
            }
            if (args[0].equals("hold")) {
                exchanger.exchangeAsync(Fleet.request(Integer.parseInt(args[3])));
                System.out.println("holding");
                System.out.flush();
                in.readLine();
                return;
            }
            int users = Integer.parseInt(args[3]);
            int callsPerUser = Integer.parseInt(args[4]);
            int threads = Integer.parseInt(args[5]);
            List<Integer> calls = new ArrayList<>(users * callsPerUser);
            for (int c = 0; c < callsPerUser; c++) {
                for (int u = 0; u < users; u++) {
                    calls.add(u);
                }
            }
            Collections.shuffle(calls);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int user : calls) {
                pool.execute(() -> {
                    try {
                        ExchangedToken token = exchanger.exchange(Fleet.request(user));
                        if (token.accessToken().startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(user)))) {
                            ok.incrementAndGet();
                        } else {
                            wrong.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(2, TimeUnit.MINUTES);
            System.out.println("done " + ok + " " + wrong + " " + failed);
            System.out.flush();
            in.readLine();
        }
    }
}
