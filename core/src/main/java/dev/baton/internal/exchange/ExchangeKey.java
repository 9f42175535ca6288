package dev.baton.internal.exchange;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import dev.baton.internal.TokenHash;
import java.net.URI;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The cache key of one exchange: the hashes of the subject and actor tokens plus every other
 * parameter that changes what the authorization server issues (RFC 8693 §2.1). Audiences,
 * resources and scopes are sets, so their order does not matter. Holds no raw token and is not a
 * concatenated string, so two different requests can only collide if SHA-256 does. Not API.
 *
 * @param subjectToken hash of {@code subject_token}
 * @param subjectTokenType {@code subject_token_type}
 * @param actorToken hash of {@code actor_token}, or {@code null}
 * @param actorTokenType {@code actor_token_type}, or {@code null}
 * @param requestedTokenType {@code requested_token_type}, or {@code null}
 * @param audiences the {@code audience} values
 * @param resources the {@code resource} values
 * @param scopes the requested scopes
 */
public record ExchangeKey(
        TokenHash subjectToken,
        TokenType subjectTokenType,
        TokenHash actorToken,
        TokenType actorTokenType,
        TokenType requestedTokenType,
        Set<String> audiences,
        Set<URI> resources,
        Set<String> scopes) {

    /** Copies the sets, so the key is immutable (an immutable set, as {@link #of} makes, is kept as it is). */
    public ExchangeKey {
        audiences = Set.copyOf(audiences);
        resources = Set.copyOf(resources);
        scopes = Set.copyOf(scopes);
    }

    /**
     * The key of {@code request}, whose subject token hashes to {@code subjectToken}: the caller
     * passes the hash it already has (a validated token carries its own), so a token is hashed once.
     */
    public static ExchangeKey of(ExchangeRequest request, TokenHash subjectToken) {
        return new ExchangeKey(
                subjectToken,
                request.subjectTokenType(),
                request.actorToken().map(TokenHash::of).orElse(null),
                request.actorTokenType().orElse(null),
                request.requestedTokenType().orElse(null),
                immutableSet(request.audiences()),
                immutableSet(request.resources()),
                immutableSet(request.scopes()));
    }

    /**
     * An immutable set of {@code values}: {@code Set.copyOf}, without the hash table it builds for
     * the usual zero, one or two values (a key is made on every exchange call, cache hits included).
     */
    private static <T> Set<T> immutableSet(Collection<T> values) {
        switch (values.size()) {
            case 0:
                return Set.of();
            case 1:
                return Set.of(first(values));
            case 2: {
                Iterator<T> i = values.iterator();
                T a = i.next();
                T b = i.next();
                return a.equals(b) ? Set.of(a) : Set.of(a, b);
            }
            default:
                return Set.copyOf(values);
        }
    }

    private static <T> T first(Collection<T> values) {
        return values instanceof List<T> list ? list.get(0) : values.iterator().next();
    }
}
