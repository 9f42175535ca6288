package dev.baton.examples.countries;

import dev.baton.ValidatedToken;
import dev.baton.examples.countries.CountriesBackend.BackendException;
import dev.baton.mcp.McpUser;
import dev.baton.mcp.ToolErrors;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The five MCP tools of the countries server, one GraphQL query each. Every handler gets the
 * caller's {@link ValidatedToken} from {@link McpUser} (the transport context, filled per HTTP
 * request by {@link McpUser#contextExtractor()}), never from a thread-local: the SDK runs handlers on
 * Reactor threads, not on the servlet request's thread. {@value #DETAILS_TOOL} needs the scope
 * {@value #DETAILS_SCOPE} besides {@code mcp:tools:call}; the server's filter checks it before the
 * handler runs.
 *
 * <p>Failures (exchange refused, backend down or slow, GraphQL error, bad arguments) become tool
 * results with {@code isError=true} and a message for the client ({@link ToolErrors} for failed
 * calls); a handler never throws.
 */
public final class CountriesTools {
    /** The tool that needs {@value #DETAILS_SCOPE}. */
    public static final String DETAILS_TOOL = "get_country_details";
    /** The scope {@value #DETAILS_TOOL} needs (a step-up from {@code mcp:tools:call}). */
    public static final String DETAILS_SCOPE = "countries:details";
    /** What the tools' error results call the GraphQL API. */
    static final String BACKEND_NAME = "countries backend";

    private static final Pattern COUNTRY_CODE = Pattern.compile("[A-Za-z]{2}");
    private static final String COUNTRY_FIELDS = "code name capital currency continent { code name }";
    /** The country and its continent with the continent's other countries: the detailed view. */
    private static final String DETAILED_FIELDS =
            "code name capital currency continent { code name countries { code name } }";

    private static final Map<String, Object> CODE_SCHEMA = Map.of("type", "object",
            "properties", Map.of("code", Map.of("type", "string",
                    "description", "ISO 3166-1 alpha-2 country code, e.g. ES")),
            "required", List.of("code"));

    private CountriesTools() {
    }

    /** The tool specifications, calling {@code backend}. */
    public static List<SyncToolSpecification> specifications(CountriesBackend backend, JsonMapper json) {
        return List.of(
                tool("get_country",
                        "Get one country by its ISO 3166-1 alpha-2 code: name, capital, currency and continent.",
                        CODE_SCHEMA,
                        (user, args) -> country(backend, json, user, args, "GetCountry", COUNTRY_FIELDS)),
                tool(DETAILS_TOOL,
                        "Get one country in detail: name, capital, currency, and its continent with every country"
                                + " on it. Needs the countries:details scope.",
                        CODE_SCHEMA,
                        (user, args) -> country(backend, json, user, args, "GetCountryDetails", DETAILED_FIELDS)),
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

    /** Looks one country up, with {@code fields}. */
    private static CallToolResult country(CountriesBackend backend, JsonMapper json, ValidatedToken user,
            Map<String, Object> args, String operation, String fields) throws BackendException, IOException {
        String code = stringArgument(args, "code");
        if (code == null || !COUNTRY_CODE.matcher(code).matches()) {
            return error("code must be a two-letter ISO 3166-1 alpha-2 country code");
        }
        JsonNode country = backend.query(user, operation,
                "query " + operation + "($code: ID!) { country(code: $code) { " + fields + " } }",
                Map.of("code", code)).get("country");
        if (country == null || country.isNull()) {
            return text("No country has the code " + code.toUpperCase(Locale.ROOT) + ".", json, null);
        }
        return text(null, json, country);
    }

    @FunctionalInterface
    private interface Handler {
        CallToolResult handle(ValidatedToken user, Map<String, Object> arguments) throws BackendException, IOException;
    }

    private static SyncToolSpecification tool(String name, String description, Map<String, Object> inputSchema,
            Handler handler) {
        Tool tool = Tool.builder(name, inputSchema).description(description).build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((McpSyncServerExchange exchange, CallToolRequest request) -> {
                    ValidatedToken user = McpUser.of(exchange).orElse(null);
                    if (user == null) {
                        return error("no authenticated user: the request did not pass the authorization filter");
                    }
                    try {
                        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
                        return handler.handle(user, args);
                    } catch (BackendException e) {
                        return error(e.getMessage());
                    } catch (IOException e) {
                        // Exchange refused or unavailable, backend down or slow: a short, safe message.
                        return ToolErrors.backendFailure(BACKEND_NAME, e);
                    } catch (RuntimeException e) {
                        return error("the tool failed: " + e.getClass().getSimpleName());
                    }
                })
                .build();
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
