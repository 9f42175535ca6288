package dev.baton.redis.internal;

import dev.baton.ExchangedToken;
import dev.baton.TokenType;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The plaintext of a shared entry: the one place where an {@link ExchangedToken} (and when it was
 * exchanged and stops being served) becomes bytes and back. A field added to the token is added
 * here, with a new {@link #FORMAT}; a value of another format reads as unusable (a miss). Reading
 * checks every length against what is left, so a corrupted or hostile value fails cleanly. Not API.
 */
public final class StoredTokenCodec {
    /** The format of the plaintext written today. */
    static final int FORMAT = 1;
    /** The largest plaintext read: the token endpoint's own response cap, with room for the fields. */
    static final int MAX_PLAINTEXT = 80 * 1024;

    private StoredTokenCodec() {
    }

    /** The plaintext of {@code stored}. */
    public static byte[] encode(StoredToken stored) {
        ExchangedToken token = stored.token();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + token.accessToken().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeInstant(out, stored.exchangedAt());
            writeInstant(out, stored.staleAt());
            writeInstant(out, token.expiresAt());
            writeString(out, token.tokenType());
            writeString(out, token.issuedTokenType().uri());
            out.writeInt(token.scopes().size());
            for (String scope : token.scopes()) {
                writeString(out, scope);
            }
            writeString(out, token.accessToken());
            // RFC 9449 §5: the thumbprint of the DPoP key the token is bound to, empty for none.
            writeString(out, token.dpopKeyThumbprint().orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The entry in {@code plaintext}.
     *
     * @throws IllegalArgumentException if it is not a well-formed value of {@link #FORMAT}
     */
    public static StoredToken decode(byte[] plaintext) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("shared value too large");
        }
        // A ByteBuffer over the plaintext: strings are decoded in place, without a stream's copies.
        ByteBuffer in = ByteBuffer.wrap(plaintext);
        try {
            if (Byte.toUnsignedInt(in.get()) != FORMAT) {
                throw new IllegalArgumentException("unknown shared value format");
            }
            Instant exchangedAt = readInstant(in);
            Instant staleAt = readInstant(in);
            Instant expiresAt = readInstant(in);
            String tokenType = readString(in);
            TokenType issuedTokenType = TokenType.of(readString(in));
            int scopeCount = in.getInt();
            if (scopeCount < 0 || scopeCount > in.remaining()) {
                throw new IllegalArgumentException("bad scope count");
            }
            List<String> scopes = new ArrayList<>(scopeCount);
            for (int i = 0; i < scopeCount; i++) {
                scopes.add(readString(in));
            }
            String accessToken = readString(in);
            String dpopKeyThumbprint = readString(in);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes in shared value");
            }
            return new StoredToken(new ExchangedToken(accessToken, tokenType, issuedTokenType, expiresAt, scopes,
                    dpopKeyThumbprint.isEmpty() ? null : dpopKeyThumbprint), exchangedAt, staleAt);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable shared value: " + e.getClass().getSimpleName());
        }
    }

    private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
        out.writeLong(instant.getEpochSecond());
        out.writeInt(instant.getNano());
    }

    private static Instant readInstant(ByteBuffer in) {
        return Instant.ofEpochSecond(in.getLong(), in.getInt());
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad length");
        }
        String value = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }
}
