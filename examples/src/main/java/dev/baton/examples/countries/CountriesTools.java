package dev.baton.examples.countries;

import dev.baton.ValidatedToken;
import dev.baton.examples.countries.CountriesBackend.BackendException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The four MCP tools of the countries server, one GraphQL query each. Every handler takes the
 * caller's {@link ValidatedToken} from the MCP transport context (put there per HTTP request by the
 * transport's context extractor from {@code BearerTokenFilter}), never from a thread-local: the SDK
 * runs handlers on Reactor threads, not on the servlet request's thread.
 *
 * <p>Failures (exchange refused, backend down or slow, GraphQL error, bad arguments) become tool
 * results with {@code isError=true} and a message for the client; a handler never throws.
 */
public final class CountriesTools {
    /** The transport-context key under which the caller's {@link ValidatedToken} travels. */
    public static final String USER_TOKEN_KEY = "dev.baton.examples.user";

    private static final Pattern COUNTRY_CODE = Pattern.compile("[A-Za-z]{2}");
    private static final String COUNTRY_FIELDS = "code name capital currency continent { code name }";

    private CountriesTools() {
    }

    /** The tool specifications, calling {@code backend}. */
    public static List<SyncToolSpecification> specifications(CountriesBackend backend, JsonMapper json) {
        return List.of(
                tool("get_country",
                        "Get one country by its ISO 3166-1 alpha-2 code: name, capital, currency and continent.",
                        Map.of("type", "object",
                                "properties", Map.of("code", Map.of("type", "string",
                                        "description", "ISO 3166-1 alpha-2 country code, e.g. ES")),
                                "required", List.of("code")),
                        (user, args) -> {
                            String code = stringArgument(args, "code");
                            if (code == null || !COUNTRY_CODE.matcher(code).matches()) {
                                return error("code must be a two-letter ISO 3166-1 alpha-2 country code");
                            }
                            JsonNode country = backend.query(user, "GetCountry",
                                    "query GetCountry($code: ID!) { country(code: $code) { " + COUNTRY_FIELDS + " } }",
                                    Map.of("code", code)).get("country");
                            if (country == null || country.isNull()) {
                                return text("No country has the code " + code.toUpperCase(java.util.Locale.ROOT) + ".", json, null);
                            }
                            return text(null, json, country);
                        }),
                tool("list_countries",
                        "List every country with its code, name, capital, currency and continent code.",
                        Map.of("type", "object", "properties", Map.of()),
                        (user, args) -> text(null, json, backend.query(user, "ListCountries",
                                "query ListCountries { countries { code name capital currency continent { code } } }",
                                Map.of()).get("countries"))),
                tool("list_european_countries",
                        "List the countries of Europe with their code, name, capital and currency.",
                        Map.of("type", "object", "properties", Map.of()),
                        (user, args) -> text(null, json, backend.query(user, "ListEuropeanCountries",
                                "query ListEuropeanCountries { europeanCountries { code name capital currency } }",
                                Map.of()).get("europeanCountries"))),
                tool("list_countries_by_continent",
                        "List the countries of a continent, given by code (AF, AN, AS, EU, NA, OC, SA) or name.",
                        Map.of("type", "object",
                                "properties", Map.of("continent", Map.of("type", "string",
                                        "description", "Continent code (e.g. SA) or name (e.g. South America)")),
                                "required", List.of("continent")),
                        (user, args) -> {
                            String continent = stringArgument(args, "continent");
                            if (continent == null || continent.isBlank() || continent.length() > 64) {
                                return error("continent must be a continent code or name");
                            }
                            JsonNode countries = backend.query(user, "CountriesByContinent",
                                    "query CountriesByContinent($continent: String!) { countriesByContinent(continent: $continent) "
                                            + "{ code name capital currency } }",
                                    Map.of("continent", continent)).get("countriesByContinent");
                            if (countries == null || countries.isEmpty()) {
                                return text("No continent is called " + continent + ".", json, null);
                            }
                            return text(null, json, countries);
                        }));
    }

    @FunctionalInterface
    private interface Handler {
        CallToolResult handle(ValidatedToken user, Map<String, Object> arguments) throws BackendException;
    }

    private static SyncToolSpecification tool(String name, String description, Map<String, Object> inputSchema,
            Handler handler) {
        Tool tool = Tool.builder(name, inputSchema).description(description).build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((McpSyncServerExchange exchange, CallToolRequest request) -> {
                    ValidatedToken user = userOf(exchange.transportContext());
                    if (user == null) {
                        return error("no authenticated user: the request did not pass the bearer token filter");
                    }
                    try {
                        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
                        return handler.handle(user, args);
                    } catch (BackendException e) {
                        return error(e.getMessage());
                    } catch (RuntimeException e) {
                        return error("the tool failed: " + e.getClass().getSimpleName());
                    }
                })
                .build();
    }

    private static ValidatedToken userOf(McpTransportContext context) {
        Object user = context == null ? null : context.get(USER_TOKEN_KEY);
        return user instanceof ValidatedToken token ? token : null;
    }

    private static String stringArgument(Map<String, Object> args, String name) {
        Object value = args.get(name);
        return value instanceof String s ? s.strip() : null;
    }

    private static CallToolResult text(String message, JsonMapper json, JsonNode data) {
        String content = message != null ? message : json.writeValueAsString(data);
        return CallToolResult.builder().addTextContent(content).isError(false).build();
    }

    private static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
