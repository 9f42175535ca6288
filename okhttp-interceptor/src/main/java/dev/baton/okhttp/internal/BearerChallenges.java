package dev.baton.okhttp.internal;

import java.util.Map;
import okhttp3.Challenge;
import okhttp3.Response;

/**
 * Reads a backend's 401 for what it says about the Bearer token that was sent (RFC 6750 §3). Not API.
 */
public final class BearerChallenges {
    private BearerChallenges() {
    }

    /**
     * Whether a 401 says the Bearer token itself was refused, so a fresh one may help: a 401
     * without any {@code WWW-Authenticate} header, or a {@code Bearer} challenge with the error
     * {@code invalid_token} or without any error code (RFC 6750 §3.1: a request without usable
     * authentication information). Other errors ({@code insufficient_scope},
     * {@code invalid_request}) would not be cured by a fresh token, and challenges of other schemes
     * alone ({@code Basic realm=..}) ask for a credential the interceptor does not send.
     */
    public static boolean inviteAFreshToken(Response unauthorized) {
        if (unauthorized.headers("WWW-Authenticate").isEmpty()) {
            return true;
        }
        boolean bearerWithoutError = false;
        for (Challenge challenge : unauthorized.challenges()) {
            if (!challenge.scheme().equalsIgnoreCase("Bearer")) {
                continue;
            }
            String error = null;
            for (Map.Entry<String, String> param : challenge.authParams().entrySet()) {
                if (param.getKey() != null && param.getKey().equalsIgnoreCase("error")) {
                    error = param.getValue();
                }
            }
            if ("invalid_token".equals(error)) {
                return true;
            }
            bearerWithoutError |= error == null;
        }
        return bearerWithoutError;
    }
}
