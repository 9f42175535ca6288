package dev.baton.okhttp.internal;

import dev.baton.internal.dpop.DPoPNonce;
import java.util.Map;
import okhttp3.Challenge;
import okhttp3.Response;

/** Reads a resource server's 401 to a DPoP-bound token for what it asks (RFC 9449 §7.1, §9). Not API. */
public final class DPoPChallenges {
    private DPoPChallenges() {
    }

    /**
     * Whether the 401 is {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} with one valid
     * {@code DPoP-Nonce} header (RFC 9449 §9): the proof lacked the server's nonce, and one more try
     * with it may succeed. Without a usable nonce another try would fail the same way.
     */
    public static boolean askForNonce(Response unauthorized) {
        return unauthorized.code() == 401 && DPoPNonce.fromHeaders(unauthorized.headers("DPoP-Nonce")) != null
                && "use_dpop_nonce".equals(dpopError(unauthorized));
    }

    /**
     * Whether a 401 says the DPoP token itself was refused, so a fresh one may help: no
     * {@code WWW-Authenticate} at all, or a {@code DPoP} challenge with {@code invalid_token} or no
     * error (as {@link BearerChallenges#inviteAFreshToken} for Bearer).
     */
    public static boolean inviteAFreshToken(Response unauthorized) {
        if (unauthorized.headers("WWW-Authenticate").isEmpty()) {
            return true;
        }
        for (Challenge challenge : unauthorized.challenges()) {
            if (challenge.scheme().equalsIgnoreCase("DPoP")) {
                String error = error(challenge);
                if (error == null || error.equals("invalid_token")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String dpopError(Response response) {
        for (Challenge challenge : response.challenges()) {
            if (challenge.scheme().equalsIgnoreCase("DPoP")) {
                String error = error(challenge);
                if (error != null) {
                    return error;
                }
            }
        }
        return null;
    }

    private static String error(Challenge challenge) {
        for (Map.Entry<String, String> param : challenge.authParams().entrySet()) {
            if (param.getKey() != null && param.getKey().equalsIgnoreCase("error")) {
                return param.getValue();
            }
        }
        return null;
    }
}
