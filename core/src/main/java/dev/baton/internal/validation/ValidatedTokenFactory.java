package dev.baton.internal.validation;

import dev.baton.ValidatedToken;
import dev.baton.internal.TokenHash;
import java.util.Map;

/**
 * Builds the {@link ValidatedToken} of a token that passed every check. The API package supplies
 * it, so the token carries the {@link TokenHash} the validation already computed (the exchange
 * cache keys by that hash and need not hash the token again) without the API offering a public
 * method that takes an internal type. Not API.
 */
@FunctionalInterface
public interface ValidatedTokenFactory {

    /**
     * @param token the raw token
     * @param claims its claims (JWT claims or an RFC 7662 introspection response), unmodifiable all
     *     the way down ({@link ClaimMaps}): the token keeps them as they are
     * @param hash {@link TokenHash#of(String)} of {@code token}, or {@code null} when the validation
     *     did not need it (the token then computes it on first use)
     * @return the validated token
     */
    ValidatedToken create(String token, Map<String, Object> claims, TokenHash hash);
}
