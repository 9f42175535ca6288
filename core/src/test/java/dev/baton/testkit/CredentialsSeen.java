package dev.baton.testkit;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * Remembers in {@link IssuedSecrets} every credential one exchange with a fake
 * authorization server ({@link TestAuthorizationServer} and others) carried: the client secret of an RFC 6749 §2.3.1 Basic header or
 * {@code client_secret} parameter, an RFC 7523 {@code client_assertion}, the tokens of a request
 * (RFC 8693 {@code subject_token} and {@code actor_token}, RFC 7662 {@code token},
 * {@code refresh_token}, a Bearer header, an RFC 9449 DPoP proof), and the tokens of a JSON answer ({@code access_token},
 * {@code refresh_token}, {@code id_token}). Other fake servers of the tests call it from their
 * dispatcher too.
 */
public final class CredentialsSeen {
    private static final List<String> REQUEST_PARAMETERS =
            List.of("client_secret", "client_assertion", "subject_token", "actor_token", "token", "refresh_token");
    private static final List<String> ANSWER_MEMBERS = List.of("access_token", "refresh_token", "id_token");

    private CredentialsSeen() {
    }

    /** Remembers the credentials of {@code request} and {@code response}; for any test's MockWebServer dispatcher. */
    public static void remember(RecordedRequest request, MockResponse response) {
        String authorization = request.getHeaders().get("Authorization");
        if (authorization != null) {
            rememberAuthorization(authorization);
        }
        IssuedSecrets.remember(request.getHeaders().get("DPoP"));
        if (request.getBody() != null && request.getBody().size() > 0) {
            for (String pair : request.getBody().utf8().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && REQUEST_PARAMETERS.contains(decode(pair.substring(0, eq)))) {
                    IssuedSecrets.rememberToken(decode(pair.substring(eq + 1)));
                }
            }
        }
        rememberAnswer(response.getBody());
    }

    private static void rememberAuthorization(String value) {
        int space = value.indexOf(' ');
        if (space < 0) {
            return;
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            IssuedSecrets.rememberToken(credentials);
        } else if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String pair = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon >= 0) {
                    // RFC 6749 §2.3.1: the id and secret are form-encoded before Basic encoding.
                    IssuedSecrets.remember(decode(pair.substring(colon + 1)));
                    IssuedSecrets.remember(pair.substring(colon + 1));
                }
            } catch (IllegalArgumentException notBase64) {
                IssuedSecrets.remember(credentials);
            }
        }
    }

    private static void rememberAnswer(MockResponseBody body) {
        if (body == null) {
            return;
        }
        Map<String, Object> json;
        try (Buffer buffer = new Buffer()) {
            body.writeTo(buffer);
            json = JSONObjectUtils.parse(buffer.readUtf8());
        } catch (IOException | ParseException | RuntimeException notJson) {
            return;
        }
        for (String member : ANSWER_MEMBERS) {
            if (json.get(member) instanceof String token) {
                IssuedSecrets.rememberToken(token);
            }
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }
}
