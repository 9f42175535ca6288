package dev.baton.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.util.URLUtils;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormBodyTest {
    private static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLV9f";

    @Test
    void writesWhatNimbusWritesForTokenShapedValues() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("grant_type", List.of("urn:ietf:params:oauth:grant-type:token-exchange"));
        form.put("subject_token", List.of(JWT));
        form.put("subject_token_type", List.of("urn:ietf:params:oauth:token-type:access_token"));
        form.put("audience", List.of("backend", "https://api.example.com/v1"));
        form.put("scope", List.of("backend-api:read backend-api:write"));

        assertThat(FormBody.of(form)).isEqualTo(URLUtils.serializeParameters(form));
    }

    @Test
    void encodesEveryCharacterTheEncoderChangesAsNimbusDoes() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("plain", List.of("azAZ09.-*_"));
        form.put("reserved", List.of("a b+c&d=e%f~g/h?i#j:k@l!m'n(o)p,q;r$s"));
        form.put("non-ascii", List.of("Grüße, 東京 \uD83D\uDE00"));
        form.put("nä me", List.of("x"));
        form.put("controls", List.of("\n\r\t\u0000"));
        form.put("empty", List.of(""));

        assertThat(FormBody.of(form)).isEqualTo(URLUtils.serializeParameters(form));
    }

    @Test
    void leavesOutNullNamesAndListsAndWritesNullValuesEmptyAsNimbusDoes() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("a", Arrays.asList("1", null, "3"));
        form.put(null, List.of("ignored"));
        form.put("b", null);
        form.put("c", Collections.emptyList());
        form.put("d", List.of("4"));

        assertThat(FormBody.of(form)).isEqualTo(URLUtils.serializeParameters(form)).isEqualTo("a=1&a=&a=3&d=4");
    }

    @Test
    void theRepeatedUrisAreWrittenAsTheEncoderWritesThem() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("grant_type", List.of("urn:ietf:params:oauth:grant-type:token-exchange"));
        for (String type : List.of("access_token", "refresh_token", "id_token", "saml1", "saml2", "jwt")) {
            form.put("type_" + type, List.of("urn:ietf:params:oauth:token-type:" + type));
        }
        form.put("client_assertion_type", List.of("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        form.put("resource", List.of("urn:ietf:params:oauth:token-type:other"));

        assertThat(FormBody.of(form)).isEqualTo(URLUtils.serializeParameters(form));
    }

    @Test
    void anEmptyFormIsAnEmptyBody() {
        assertThat(FormBody.of(Map.of())).isEmpty();
    }

    @Test
    void onlyTheCharactersTheEncoderKeepsAreCopiedAsTheyAre() {
        assertThat(FormBody.unchangedByEncoding(JWT)).isTrue();
        assertThat(FormBody.unchangedByEncoding("")).isTrue();
        for (char c : " +&=%~/:?#@!'()\u00e9".toCharArray()) {
            assertThat(FormBody.unchangedByEncoding("a" + c)).as("%s", c).isFalse();
        }
    }
}
