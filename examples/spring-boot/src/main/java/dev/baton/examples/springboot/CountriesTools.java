package dev.baton.examples.springboot;

import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.annotation.McpToolParam;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * The five MCP tools of the countries server, one GraphQL query each, called with Spring Boot's
 * {@code RestClient}. There is no Baton code here: the starter's interceptor finds the calling user
 * and sends the backend a token exchanged for that user; a refused exchange becomes a tool error.
 */
@Component
public class CountriesTools {
    private static final Pattern COUNTRY_CODE = Pattern.compile("[A-Za-z]{2}");
    private static final String COUNTRY_FIELDS = "code name capital currency continent { code name }";

    private final RestClient graphql;

    /**
     * Tools calling the GraphQL API at {@code countries.graphql-url}.
     *
     * @param rest Spring Boot's builder (with Baton's interceptor)
     * @param url the GraphQL endpoint
     */
    public CountriesTools(RestClient.Builder rest, @Value("${countries.graphql-url}") String url) {
        this.graphql = rest.baseUrl(url).build();
    }

    /**
     * One country.
     *
     * @param code ISO 3166-1 alpha-2 code
     * @return the GraphQL result
     */
    @McpTool(name = "get_country", description = "Get one country by its ISO 3166-1 alpha-2 code: name, capital,"
            + " currency and continent.")
    public String getCountry(@McpToolParam(description = "ISO 3166-1 alpha-2 country code, e.g. ES") String code) {
        return query("query GetCountry($code: ID!) { country(code: $code) { " + COUNTRY_FIELDS + " } }",
                Map.of("code", countryCode(code)));
    }

    /**
     * One country in detail; needs {@code countries:details} (baton.resource-server.tool-scopes).
     *
     * @param code ISO 3166-1 alpha-2 code
     * @return the GraphQL result
     */
    @McpTool(name = "get_country_details", description = "Get one country in detail, with its continent's other"
            + " countries. Needs the countries:details scope.")
    public String getCountryDetails(@McpToolParam(description = "ISO 3166-1 alpha-2 country code") String code) {
        return query("query GetCountryDetails($code: ID!) { country(code: $code) { code name capital currency "
                + "continent { code name countries { code name } } } }", Map.of("code", countryCode(code)));
    }

    /**
     * Every country.
     *
     * @return the GraphQL result
     */
    @McpTool(name = "list_countries", description = "List every country with its code, name, capital, currency"
            + " and continent code.")
    public String listCountries() {
        return query("query ListCountries { countries { code name capital currency continent { code } } }", Map.of());
    }

    /**
     * The countries of Europe.
     *
     * @return the GraphQL result
     */
    @McpTool(name = "list_european_countries", description = "List the countries of Europe.")
    public String listEuropeanCountries() {
        return query("query ListEuropeanCountries { europeanCountries { code name capital currency } }", Map.of());
    }

    /**
     * The countries of a continent.
     *
     * @param continent code or name
     * @return the GraphQL result
     */
    @McpTool(name = "list_countries_by_continent", description = "List the countries of a continent, given by code"
            + " (AF, AN, AS, EU, NA, OC, SA) or name.")
    public String listCountriesByContinent(@McpToolParam(description = "Continent code or name") String continent) {
        if (continent == null || continent.isBlank() || continent.length() > 64) {
            throw new IllegalArgumentException("continent must be a continent code or name");
        }
        return query("query CountriesByContinent($continent: String!) { countriesByContinent(continent: $continent)"
                + " { code name capital currency } }", Map.of("continent", continent.strip()));
    }

    private String query(String query, Map<String, Object> variables) {
        return graphql.post().contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("query", query, "variables", variables))
                .retrieve().body(String.class);
    }

    private static String countryCode(String code) {
        if (code == null || !COUNTRY_CODE.matcher(code.strip()).matches()) {
            throw new IllegalArgumentException("code must be a two-letter ISO 3166-1 alpha-2 country code");
        }
        return code.strip().toUpperCase(java.util.Locale.ROOT);
    }
}
