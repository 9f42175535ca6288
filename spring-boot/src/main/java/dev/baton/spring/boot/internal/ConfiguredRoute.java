package dev.baton.spring.boot.internal;

import dev.baton.ExchangeRequest;
import dev.baton.ValidatedToken;
import dev.baton.internal.TokenSyntax;
import dev.baton.internal.routing.RoutePrefix;
import dev.baton.internal.routing.RouteTable;
import dev.baton.spring.boot.BatonProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code baton.routes[n]} entry, checked: its URL prefix (core's {@link RoutePrefix}, the
 * matching every HTTP-client adapter shares) and the exchange it asks for. Immutable. Not API.
 *
 * @param index the entry's index in {@code baton.routes}
 * @param prefix the scheme, host, port and path prefix it covers
 * @param name what users know the backend as, for tool error messages
 * @param audiences the exchange's {@code audience} values (RFC 8693 §2.1)
 * @param resources the exchange's {@code resource} values (RFC 8707 §2)
 * @param scopes the scopes asked for (RFC 6749 §3.3)
 */
public record ConfiguredRoute(int index, RoutePrefix prefix, String name, List<String> audiences,
        List<String> resources, List<String> scopes) {

    /** The default {@linkplain #name() name} of a backend. */
    public static final String DEFAULT_NAME = "backend";

    /** The exchange request for {@code user} on this route. */
    public ExchangeRequest exchangeRequest(ValidatedToken user) {
        return ExchangeRequest.builder().subjectToken(user).audiences(audiences).scopes(scopes)
                .resource(resources.toArray(String[]::new)).build();
    }

    /** The URL prefix as configured; never a token. */
    @Override
    public String toString() {
        return prefix + " (" + name + ", audience=" + audiences + ", scope=" + scopes + ")";
    }

    /**
     * The routes of {@code properties}, each checked by the rules of the exchange itself, and
     * together (at least one, https or loopback http when allowed, no two for the same prefix).
     *
     * @throws BatonConfigurationException naming the property at fault
     */
    public static RouteTable<ConfiguredRoute> table(BatonProperties properties) {
        List<ConfiguredRoute> routes = new ArrayList<>();
        List<BatonProperties.Route> configured = properties.getRoutes();
        for (int i = 0; i < configured.size(); i++) {
            ConfiguredRoute route = of(i, configured.get(i));
            String property = "baton.routes[" + i + "].url";
            Settings.apply(property, () -> RouteTable.requireNewTarget(routes.stream().map(ConfiguredRoute::prefix)
                    .toList(), route.prefix(), route.prefix().toString()));
            routes.add(route);
        }
        RouteTable<ConfiguredRoute>[] table = new RouteTable[1];
        Settings.apply("baton.routes", () -> table[0] = RouteTable.of(routes, ConfiguredRoute::prefix,
                properties.isAllowHttpOnLoopback(), "baton.allow-http-on-loopback"));
        return table[0];
    }

    private static ConfiguredRoute of(int i, BatonProperties.Route r) {
        String base = "baton.routes[" + i + "].";
        String url = Settings.require(base + "url", r.getUrl(), " (scheme, host, optional port and path prefix)");
        RoutePrefix[] prefix = new RoutePrefix[1];
        Settings.apply(base + "url", () -> prefix[0] = RoutePrefix.parse(url, "route"));
        if (!Settings.isSet(r.getAudience()) && !Settings.isSet(r.getResource())) {
            throw Settings.missing(base + "audience", " (or " + base + "resource): the backend the token is for");
        }
        ExchangeRequest.Builder probe = ExchangeRequest.builder();
        Settings.apply(base + "audience", () -> probe.audiences(r.getAudience()));
        Settings.apply(base + "resource", () -> probe.resource(r.getResource().toArray(String[]::new)));
        Settings.apply(base + "scopes", () -> TokenSyntax.requireScopeTokens(r.getScopes()));
        String name = Settings.isSet(r.getName()) ? r.getName().strip() : DEFAULT_NAME;
        if (name.length() > 100) {
            throw Settings.invalid(base + "name", "at most 100 characters");
        }
        return new ConfiguredRoute(i, prefix[0], name, List.copyOf(r.getAudience()), List.copyOf(r.getResource()),
                List.copyOf(r.getScopes()));
    }
}
