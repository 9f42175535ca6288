package dev.baton.internal.exchange;

import dev.baton.ExchangeRequest;
import dev.baton.TokenType;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * The key of an exchange in a cache shared by a fleet: the SHA-256 of the exchanger's identity (token
 * endpoint or issuer, and client id: two exchangers sharing one store never read each other's
 * entries) and of every parameter {@link ExchangeKey} holds, each length-prefixed and the sets
 * sorted, so two different requests can only collide if SHA-256 does. Base64url without padding.
 * It is a digest of the whole request, not the subject token's own hash, so it cannot be matched
 * against the token fingerprints of audit lines. Not API.
 */
final class SharedKey {
    private static final String VERSION = "baton-shared-key/1";

    private SharedKey() {
    }

    /**
     * @param namespace the exchanger's identity
     * @param request the exchange
     */
    static String of(String namespace, ExchangeRequest request) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + request.subjectToken().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, VERSION);
            write(out, namespace);
            write(out, request.subjectTokenType().uri());
            write(out, request.subjectToken());
            write(out, request.actorTokenType().map(TokenType::uri).orElse(""));
            write(out, request.actorToken().orElse(""));
            write(out, request.requestedTokenType().map(TokenType::uri).orElse(""));
            writeSorted(out, request.audiences());
            List<String> resources = new ArrayList<>();
            for (URI r : request.resources()) {
                resources.add(r.toString());
            }
            writeSorted(out, resources);
            writeSorted(out, request.scopes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static void writeSorted(DataOutputStream out, Collection<String> values) throws IOException {
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(null);
        out.writeInt(sorted.size());
        for (String v : sorted) {
            write(out, v);
        }
    }

    private static void write(DataOutputStream out, String value) throws IOException {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
