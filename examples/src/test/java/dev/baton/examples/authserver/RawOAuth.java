package dev.baton.examples.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code mcp} issuer's endpoints driven by raw HTTP, one step at a time, so that a test can send
 * exactly the request it is about (a missing PKCE challenge, a wrong verifier, a reused code).
 */
final class RawOAuth {
    static final String CLIENT = EmbeddedAuthorizationServer.SIGN_IN_CLIENT_ID;
    static final String REDIRECT = EmbeddedAuthorizationServer.SIGN_IN_REDIRECT_URI;
    static final String RESOURCE = "http://127.0.0.1:1/mcp";
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final EmbeddedAuthorizationServer as;
    final CodeVerifier verifier = new CodeVerifier();

    RawOAuth(EmbeddedAuthorizationServer as) {
        this.as = as;
    }

    /** A valid authorization request for {@code scope}: code, PKCE S256, state, resource. */
    Map<String, String> authorization(String scope) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", CLIENT);
        params.put("redirect_uri", REDIRECT);
        params.put("state", "st-1");
        params.put("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
        params.put("code_challenge_method", "S256");
        params.put("resource", RESOURCE);
        if (scope != null) {
            params.put("scope", scope);
        }
        return params;
    }

    /** {@code GET /mcp/authorize} with these parameters (the login page). */
    HttpResponse<String> loginPage(Map<String, String> params) throws Exception {
        return send(HttpRequest.newBuilder(authorizeUri(params)).GET());
    }

    /** {@code POST /mcp/authorize} with these parameters and the user name (the login). */
    HttpResponse<String> login(Map<String, String> params, String user) throws Exception {
        return send(HttpRequest.newBuilder(authorizeUri(params))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(user, StandardCharsets.UTF_8))));
    }

    /** The query parameters of the redirect that answered a login. */
    static Map<String, String> redirectParameters(HttpResponse<String> redirect) {
        assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
        return query(URI.create(redirect.headers().firstValue("Location").orElseThrow()));
    }

    /** Logs {@code user} in and returns the authorization code. */
    String code(Map<String, String> params, String user) throws Exception {
        Map<String, String> answer = redirectParameters(login(params, user));
        assertThat(answer).containsKey("code");
        return answer.get("code");
    }

    /** The token request redeeming {@code code} the way a well-behaved client sends it. */
    Map<String, String> codeRedemption(String code) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", REDIRECT);
        form.put("client_id", CLIENT);
        form.put("code_verifier", verifier.getValue());
        form.put("resource", RESOURCE);
        return form;
    }

    /** The token request for a refresh. */
    static Map<String, String> refreshing(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", CLIENT);
        form.put("resource", RESOURCE);
        return form;
    }

    /** {@code POST /mcp/token} with this form. */
    HttpResponse<String> token(Map<String, String> form) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(as.tokenEndpoint("mcp")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
    }

    /** A successful token response, parsed. */
    static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The {@code error} of an RFC 6749 §5.2 error response with this status. */
    static String error(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body()).path("error").asString();
    }

    /** The claims of a JWT, decoded. */
    static JWTClaimsSet claims(String jwt) throws ParseException {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    /** A whole sign-in for {@code scope}: the token response. */
    JsonNode signIn(String user, String scope) throws Exception {
        return ok(token(codeRedemption(code(authorization(scope), user))));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI authorizeUri(Map<String, String> params) {
        return URI.create(as.issuer("mcp") + "/authorize?" + form(params));
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return out;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
