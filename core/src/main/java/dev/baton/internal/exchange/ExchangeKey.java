package dev.baton.internal.exchange;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The cache key of one exchange: SHA-256 digests of the subject and actor tokens plus every other
 * parameter that changes what the authorization server issues (RFC 8693 §2.1). Audiences,
 * resources and scopes are sets, so their order does not matter. Holds no raw token and is not a
 * concatenated string, so two different requests can only collide if SHA-256 does. Not API.
 *
 * @param subjectToken digest of {@code subject_token}
 * @param subjectTokenType {@code subject_token_type}
 * @param actorToken digest of {@code actor_token}, or {@code null}
 * @param actorTokenType {@code actor_token_type}, or {@code null}
 * @param requestedTokenType {@code requested_token_type}, or {@code null}
 * @param audiences the {@code audience} values
 * @param resources the {@code resource} values
 * @param scopes the requested scopes
 */
public record ExchangeKey(
        Digest subjectToken,
        TokenType subjectTokenType,
        Digest actorToken,
        TokenType actorTokenType,
        TokenType requestedTokenType,
        Set<String> audiences,
        Set<URI> resources,
        Set<String> scopes) {

    public ExchangeKey {
        audiences = Set.copyOf(audiences);
        resources = Set.copyOf(resources);
        scopes = Set.copyOf(scopes);
    }

    /** The key of {@code request}. */
    public static ExchangeKey of(ExchangeRequest request) {
        return new ExchangeKey(
                Digest.of(request.subjectToken()),
                request.subjectTokenType(),
                request.actorToken().map(Digest::of).orElse(null),
                request.actorTokenType().orElse(null),
                request.requestedTokenType().orElse(null),
                Set.copyOf(request.audiences()),
                Set.copyOf(request.resources()),
                request.scopes());
    }

    /** A SHA-256 digest, equal by content. Its {@link #toString()} shows only a short prefix. */
    public static final class Digest {
        private final byte[] bytes;
        private final int hash;

        private Digest(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        /** The SHA-256 of the UTF-8 bytes of {@code token}. */
        public static Digest of(String token) {
            try {
                return new Digest(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by every Java platform", e);
            }
        }

        /**
         * The same short fingerprint as {@link dev.baton.ValidatedToken#fingerprintOf(String)}: the first
         * 8 bytes, base64url without padding.
         */
        public String fingerprint() {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(bytes, 8));
        }

        @Override
        public boolean equals(Object o) {
            // Constant-time comparison: the digest is not secret, but there is no reason to leak timing either.
            return o instanceof Digest d && MessageDigest.isEqual(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return "sha256:" + HexFormat.of().formatHex(bytes, 0, 6);
        }
    }
}
