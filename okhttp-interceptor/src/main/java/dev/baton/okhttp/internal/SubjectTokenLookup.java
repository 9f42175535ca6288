package dev.baton.okhttp.internal;

import dev.baton.ValidatedToken;
import dev.baton.okhttp.MissingSubjectTokenException;
import dev.baton.okhttp.SubjectToken;
import dev.baton.okhttp.SubjectTokenSource;
import java.util.Optional;
import okhttp3.Request;

/**
 * Finds the user's token for a routed request, in the order {@code SubjectTokenSource} documents:
 * the request's {@code ValidatedToken} tag (the hand-off), its {@link SubjectToken} tag (the same
 * hand-off for a raw token), then the configured {@link SubjectTokenSource}. Not API.
 */
public final class SubjectTokenLookup {
    private SubjectTokenLookup() {
    }

    /**
     * The subject token for {@code request} on {@code route}.
     *
     * @throws MissingSubjectTokenException if there is none, or the source failed; the message
     *     names the route and the fix, never a token
     */
    public static SubjectToken find(Request request, SubjectTokenSource source, Route route)
            throws MissingSubjectTokenException {
        ValidatedToken validated = request.tag(ValidatedToken.class);
        if (validated != null) {
            return SubjectToken.of(validated);
        }
        SubjectToken tagged = request.tag(SubjectToken.class);
        if (tagged != null) {
            return tagged;
        }
        Optional<SubjectToken> fromSource;
        try {
            fromSource = source.subjectToken(request);
        } catch (RuntimeException e) {
            throw new MissingSubjectTokenException("the subject token source failed for a request to route " + route
                    + ": " + e.getClass().getName() + "; the request was not sent", e);
        }
        if (fromSource == null || fromSource.isEmpty()) {
            throw new MissingSubjectTokenException("no subject token for a request to route " + route
                    + ": tag the request with ValidatedToken.class or SubjectToken.class, or configure a "
                    + "SubjectTokenSource; the request was not sent", null);
        }
        return fromSource.get();
    }
}
