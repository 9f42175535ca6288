package dev.baton.examples.countries;

import dev.baton.ValidatedToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The countries GraphQL API, called as a given user: each query is one POST through the shared
 * OkHttp client, whose {@code TokenExchangeInterceptor} swaps the user's token (the request's
 * {@code ValidatedToken} tag) for one minted for the backend. The user's own token is never put on
 * the request.
 */
public final class CountriesBackend {
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    /** Longest backend answer read; the whole data set is far smaller. */
    private static final long MAX_RESPONSE_BYTES = 4L * 1024 * 1024;

    private final OkHttpClient http;
    private final String graphqlUrl;
    private final JsonMapper json;

    /**
     * @param http the client with the token exchange interceptor routing {@code graphqlUrl}
     * @param graphqlUrl the GraphQL endpoint
     * @param json the JSON mapper
     */
    public CountriesBackend(OkHttpClient http, String graphqlUrl, JsonMapper json) {
        this.http = Objects.requireNonNull(http, "http");
        this.graphqlUrl = Objects.requireNonNull(graphqlUrl, "graphqlUrl");
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * Runs a GraphQL query as {@code user}.
     *
     * @param operationName the operation (logged by the backend)
     * @return the {@code data} member of the answer
     * @throws BackendException with a message fit for an MCP client when the backend's answer is an
     *     error, too large or without data
     * @throws IOException when the call failed: the token exchange was refused or did not complete
     *     ({@code TokenExchangeIOException}, nothing was sent), or the backend was unreachable or slow
     */
    public JsonNode query(ValidatedToken user, String operationName, String query, Map<String, Object> variables)
            throws BackendException, IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operationName", operationName);
        body.put("query", query);
        body.put("variables", variables);
        Request request = new Request.Builder()
                .url(graphqlUrl)
                .post(RequestBody.create(json.writeValueAsString(body), JSON_TYPE))
                .tag(ValidatedToken.class, user)
                .build();
        try (Response response = http.newCall(request).execute()) {
            BufferedSource source = response.body().source();
            if (source.request(MAX_RESPONSE_BYTES + 1)) {
                throw new BackendException("the countries backend answered with more than " + MAX_RESPONSE_BYTES + " bytes");
            }
            String text = source.getBuffer().readUtf8();
            JsonNode answer = parse(text);
            String firstError = firstError(answer);
            if (!response.isSuccessful()) {
                throw new BackendException("the countries backend refused the call with HTTP " + response.code()
                        + (firstError == null ? "" : ": " + firstError));
            }
            if (firstError != null) {
                throw new BackendException("the countries backend reported a GraphQL error: " + firstError);
            }
            JsonNode data = answer == null ? null : answer.get("data");
            if (data == null || data.isNull()) {
                throw new BackendException("the countries backend answered without data");
            }
            return data;
        }
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String firstError(JsonNode answer) {
        if (answer == null) {
            return null;
        }
        JsonNode errors = answer.get("errors");
        if (errors == null || !errors.isArray() || errors.isEmpty()) {
            return null;
        }
        JsonNode first = errors.get(0);
        JsonNode message = first.get("message");
        JsonNode code = first.path("extensions").get("code");
        String text = message == null ? "unknown error" : message.asString();
        return code == null ? text : code.asString() + ": " + text;
    }

    /** A failed backend call, with a message that is safe and useful to show the MCP client. */
    public static final class BackendException extends Exception {
        private static final long serialVersionUID = 1L;

        BackendException(String message) {
            super(message);
        }
    }
}
