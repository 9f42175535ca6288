package dev.baton;

import dev.baton.internal.TokenHash;
import dev.baton.internal.TokenSyntax;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of one RFC 8693 §2.1 token exchange request. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * ExchangeRequest request = ExchangeRequest.builder()
 *     .subjectToken(user)                 // a ValidatedToken, or .subjectToken(raw, TokenType.ACCESS_TOKEN)
 *     .audience("backend")
 *     .scopes("backend-api:read")
 *     .build();
 * }</pre>
 *
 * <p>{@link #toString()} never shows a token.
 */
public final class ExchangeRequest {
    private final String subjectToken;
    private final TokenType subjectTokenType;
    private final ValidatedToken validatedSubject;
    private final String actorToken;
    private final TokenType actorTokenType;
    private final TokenType requestedTokenType;
    private final List<String> audiences;
    private final List<URI> resources;
    private final Set<String> scopes;

    private ExchangeRequest(Builder b) {
        this.subjectToken = b.subjectToken;
        this.subjectTokenType = b.subjectTokenType;
        this.validatedSubject = b.validatedSubject;
        this.actorToken = b.actorToken;
        this.actorTokenType = b.actorTokenType;
        this.requestedTokenType = b.requestedTokenType;
        this.audiences = List.copyOf(b.audiences);
        this.resources = List.copyOf(b.resources);
        this.scopes = Collections.unmodifiableSet(new LinkedHashSet<>(b.scopes));
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's values, to derive a variant. */
    public Builder newBuilder() {
        Builder b = new Builder();
        b.subjectToken = subjectToken;
        b.subjectTokenType = subjectTokenType;
        b.validatedSubject = validatedSubject;
        b.actorToken = actorToken;
        b.actorTokenType = actorTokenType;
        b.requestedTokenType = requestedTokenType;
        b.audiences.addAll(audiences);
        b.resources.addAll(resources);
        b.scopes.addAll(scopes);
        return b;
    }

    /** The {@code subject_token}. Never log it. */
    public String subjectToken() {
        return subjectToken;
    }

    /** The SHA-256 of the subject token, taken from the validated token when there is one. */
    TokenHash subjectHash() {
        return validatedSubject != null ? validatedSubject.hash() : TokenHash.of(subjectToken);
    }

    /** The {@code subject_token_type}. */
    public TokenType subjectTokenType() {
        return subjectTokenType;
    }

    /** The validated subject token, when the request was built from one (it gives the subject and expiry). */
    public Optional<ValidatedToken> validatedSubject() {
        return Optional.ofNullable(validatedSubject);
    }

    /** The {@code actor_token}, if any. Never log it. */
    public Optional<String> actorToken() {
        return Optional.ofNullable(actorToken);
    }

    /** The {@code actor_token_type}, present exactly when an actor token is. */
    public Optional<TokenType> actorTokenType() {
        return Optional.ofNullable(actorTokenType);
    }

    /** The {@code requested_token_type}, if any. */
    public Optional<TokenType> requestedTokenType() {
        return Optional.ofNullable(requestedTokenType);
    }

    /** The {@code audience} values, in the order given, without duplicates. */
    public List<String> audiences() {
        return audiences;
    }

    /** The {@code resource} values (RFC 8707), absolute URIs without fragment, without duplicates. */
    public List<URI> resources() {
        return resources;
    }

    /** The requested scopes, in the order given, without duplicates. */
    public Set<String> scopes() {
        return scopes;
    }

    @Override
    public String toString() {
        return "ExchangeRequest[subject_token_type=" + subjectTokenType
                + ", subject=" + (validatedSubject == null ? null : validatedSubject.subject())
                + ", subject_token=" + ValidatedToken.fingerprintOf(subjectToken)
                + (actorToken == null ? "" : ", actor_token_type=" + actorTokenType
                        + ", actor_token=" + ValidatedToken.fingerprintOf(actorToken))
                + (requestedTokenType == null ? "" : ", requested_token_type=" + requestedTokenType)
                + ", audience=" + audiences + ", resource=" + resources + ", scope=" + scopes + "]";
    }

    /** Builds an {@link ExchangeRequest}; {@link #build()} checks the values and fails fast. */
    public static final class Builder {
        private String subjectToken;
        private TokenType subjectTokenType;
        private ValidatedToken validatedSubject;
        private String actorToken;
        private TokenType actorTokenType;
        private TokenType requestedTokenType;
        private final LinkedHashSet<String> audiences = new LinkedHashSet<>();
        private final LinkedHashSet<URI> resources = new LinkedHashSet<>();
        private final LinkedHashSet<String> scopes = new LinkedHashSet<>();

        private Builder() {
        }

        /** The subject token is a validated access token ({@code subject_token_type} access_token). */
        public Builder subjectToken(ValidatedToken token) {
            Objects.requireNonNull(token, "token");
            this.subjectToken = token.value();
            this.subjectTokenType = TokenType.ACCESS_TOKEN;
            this.validatedSubject = token;
            return this;
        }

        /** The subject token as a raw string of the given type. */
        public Builder subjectToken(String token, TokenType type) {
            this.subjectToken = requireToken(token, "subject token");
            this.subjectTokenType = Objects.requireNonNull(type, "subject token type");
            this.validatedSubject = null;
            return this;
        }

        /** The actor token (RFC 8693 §2.1 {@code actor_token}) for delegation. */
        public Builder actorToken(String token, TokenType type) {
            this.actorToken = requireToken(token, "actor token");
            this.actorTokenType = Objects.requireNonNull(type, "actor token type");
            return this;
        }

        /** The {@code requested_token_type}. */
        public Builder requestedTokenType(TokenType type) {
            this.requestedTokenType = Objects.requireNonNull(type, "requested token type");
            return this;
        }

        /** Adds {@code audience} values (logical names of the target service, RFC 8693 §2.1). */
        public Builder audience(String... audiences) {
            return audiences(List.of(audiences));
        }

        /** Adds {@code audience} values. */
        public Builder audiences(Collection<String> audiences) {
            for (String a : audiences) {
                if (a == null || a.isBlank()) {
                    throw new IllegalArgumentException("audience must not be blank");
                }
                this.audiences.add(a);
            }
            return this;
        }

        /** Adds {@code resource} values: absolute URIs without a fragment (RFC 8707 §2). */
        public Builder resource(String... resources) {
            for (String r : resources) {
                Objects.requireNonNull(r, "resource");
                URI uri;
                try {
                    uri = new URI(r);
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException("resource is not a valid URI: " + e.getReason());
                }
                resource(uri);
            }
            return this;
        }

        /** Adds a {@code resource} value: an absolute URI without a fragment (RFC 8707 §2). */
        public Builder resource(URI resource) {
            Objects.requireNonNull(resource, "resource");
            if (!resource.isAbsolute()) {
                throw new IllegalArgumentException("resource must be an absolute URI (RFC 8707 section 2): " + resource);
            }
            if (resource.getRawFragment() != null) {
                throw new IllegalArgumentException("resource must not contain a fragment (RFC 8707 section 2): " + resource);
            }
            this.resources.add(resource);
            return this;
        }

        /** Adds requested scopes; each must be a valid scope token (RFC 6749 §3.3). */
        public Builder scopes(String... scopes) {
            return scopes(List.of(scopes));
        }

        /**
         * Adds requested scopes; each must be a valid scope token (RFC 6749 §3.3).
         *
         * @throws IllegalArgumentException naming the first value that is not one; none is added then
         */
        public Builder scopes(Collection<String> scopes) {
            this.scopes.addAll(TokenSyntax.requireScopeTokens(scopes));
            return this;
        }

        /**
         * The request.
         *
         * @throws IllegalStateException if no subject token was set
         */
        public ExchangeRequest build() {
            if (subjectToken == null) {
                throw new IllegalStateException("subject token is required (RFC 8693 section 2.1)");
            }
            return new ExchangeRequest(this);
        }

        private static String requireToken(String token, String what) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return token;
        }
    }
}
