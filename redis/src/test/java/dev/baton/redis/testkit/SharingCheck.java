package dev.baton.redis.testkit;

import dev.baton.ExchangedToken;
import dev.baton.TokenExchanger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two replicas calling at once for the same users: what each caller got, for a test to check that
 * every caller received its own user's token.
 */
public final class SharingCheck {
    private SharingCheck() {
    }

    /**
     * Exchanges for users {@code from} to {@code to - 1}, each user once on {@code a} and once on
     * {@code b}, all at once; returns how many callers got a token that is not their own user's
     * (failures count too). Waits at most 30 s.
     */
    public static int wrongOrFailed(TokenExchanger a, TokenExchanger b, int from, int to) throws Exception {
        List<CompletableFuture<ExchangedToken>> calls = new ArrayList<>();
        List<Integer> users = new ArrayList<>();
        for (int u = from; u < to; u++) {
            calls.add(a.exchangeAsync(Fleet.request(u)));
            calls.add(b.exchangeAsync(Fleet.request(u)));
            users.add(u);
            users.add(u);
        }
        int wrong = 0;
        for (int i = 0; i < calls.size(); i++) {
            try {
                String token = calls.get(i).get(30, TimeUnit.SECONDS).accessToken();
                if (!token.startsWith(FleetAuthorizationServer.tokenPrefixOf(Fleet.userToken(users.get(i))))) {
                    wrong++;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                wrong++;
            }
        }
        return wrong;
    }

    /**
     * Waits until {@code b} is served what {@code a} stored, both caches having connected in the
     * background (a TLS handshake in a cold JVM may take longer than the first calls' connection
     * wait): exchanges a new user from {@code firstUser} on each attempt, within {@code seconds}.
     *
     * @return the first user number not used
     */
    public static int awaitSharing(TokenExchanger a, TokenExchanger b, int firstUser, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int user = firstUser;
        while (System.nanoTime() < deadline) {
            String fromA = a.exchange(Fleet.request(user)).accessToken();
            String fromB = b.exchange(Fleet.request(user)).accessToken();
            user++;
            if (fromA.equals(fromB)) {
                return user;
            }
        }
        throw new IllegalStateException("the replicas did not share a token within " + seconds + " s");
    }

    /**
     * Whether {@code cache} comes to consider Redis down within 10 s while {@code exchanger} (which
     * uses it) keeps exchanging for fresh users: Redis is marked down after several failed commands
     * in a row, and which commands a batch of exchanges sends (and when they fail) depends on the
     * timing of the connection attempts, so the test goes on calling, as traffic would.
     */
    public static boolean becomesDegraded(dev.baton.redis.RedisTokenCache cache, TokenExchanger exchanger)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int user = 5_000; !cache.isDegraded(); user++) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            exchanger.exchange(Fleet.request(user));
        }
        return true;
    }
}
