package dev.baton.examples.authserver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientInformationResponse;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.RegistrationError;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.Locale;
import java.util.Set;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;

/**
 * The clients of the {@code mcp} issuer: open RFC 7591 dynamic client registration, so that MCP
 * Inspector and VS Code sign in without being told a client id, and the redirect URI rules.
 *
 * <p>Where this differs from Okta, on purpose: Okta's registration endpoint needs an API token, so
 * real clients fall back to asking the user for a client id; here anyone on this machine may
 * register, and a client id that was never registered is accepted too (a developer sandbox). Every
 * client is public ({@code token_endpoint_auth_method=none}, OAuth 2.1 §2.1): its proof is the PKCE
 * verifier, and a client secret, if one is sent, is not checked.
 *
 * <p>Redirect URIs (OAuth 2.1 §2.3.1, RFC 8252 §7 and §8.4): {@code https}, {@code http} on a
 * loopback host only, or a private-use scheme of a native app (such as {@code vscode:}); never a
 * fragment, never a script or data scheme. A registered client's redirect URI must be one it
 * registered, compared as a whole string.
 */
final class ClientRegistry {
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "::1", "localhost");
    private static final Set<String> REFUSED_SCHEMES = Set.of("javascript", "data", "vbscript", "file", "about", "blob");
    private static final int MAX_CLIENTS = 1_000;

    private final Cache<String, ClientMetadata> clients = Caffeine.newBuilder()
            .maximumSize(MAX_CLIENTS).expireAfterAccess(Duration.ofDays(7)).build();
    private final URI registrationEndpoint;

    /** @param registrationEndpoint the endpoint's URL, as the metadata advertises it */
    ClientRegistry(URI registrationEndpoint) {
        this.registrationEndpoint = registrationEndpoint;
    }

    /** Handles {@code POST /mcp/register} (RFC 7591 §3): 201 with the new client, or 400. */
    OAuth2HttpResponse register(OAuth2HttpRequest request) {
        if (Responses.tooLarge(request)) {
            return refuse(request, RegistrationError.INVALID_CLIENT_METADATA, "request body too large");
        }
        ClientMetadata asked;
        try {
            asked = ClientRegistrationRequest.parse(Responses.toNimbus(request, registrationEndpoint)).getClientMetadata();
        } catch (ParseException e) {
            return refuse(request, RegistrationError.INVALID_CLIENT_METADATA, "malformed registration request");
        }
        if (asked.getRedirectionURIs() == null || asked.getRedirectionURIs().isEmpty()) {
            return refuse(request, RegistrationError.INVALID_REDIRECT_URI, "redirect_uris is required");
        }
        for (URI uri : asked.getRedirectionURIs()) {
            if (!acceptableRedirect(uri)) {
                return refuse(request, RegistrationError.INVALID_REDIRECT_URI,
                        "redirect URIs must be https, http on a loopback host, or a private-use scheme");
            }
        }
        if (asked.getGrantTypes() != null
                && !Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN).containsAll(asked.getGrantTypes())) {
            return refuse(request, RegistrationError.INVALID_CLIENT_METADATA,
                    "only the authorization_code and refresh_token grants are supported");
        }
        if (asked.getResponseTypes() != null && !Set.of(ResponseType.CODE).containsAll(asked.getResponseTypes())) {
            return refuse(request, RegistrationError.INVALID_CLIENT_METADATA, "only the code response type is supported");
        }
        // RFC 7591 §3.2.1: the server may replace requested values; the response says what was registered.
        ClientMetadata registered = new ClientMetadata();
        registered.setRedirectionURIs(asked.getRedirectionURIs());
        registered.setName(asked.getName());
        registered.setGrantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        registered.setResponseTypes(Set.of(ResponseType.CODE));
        registered.setTokenEndpointAuthMethod(ClientAuthenticationMethod.NONE);
        ClientID id = new ClientID(16);
        clients.put(id.getValue(), registered);
        ClientInformation info = new ClientInformation(id, new Date(), registered, null);
        return Responses.fromNimbus(request, new ClientInformationResponse(info, true).toHTTPResponse());
    }

    /**
     * Whether {@code client} may receive the authorization response at {@code redirectUri}: one of
     * its registered URIs when it registered, else any URI the scheme rules allow.
     */
    boolean redirectAllowed(ClientID client, URI redirectUri) {
        if (redirectUri == null || !acceptableRedirect(redirectUri)) {
            return false;
        }
        ClientMetadata registered = clients.getIfPresent(client.getValue());
        return registered == null || registered.getRedirectionURIs().stream()
                .anyMatch(uri -> uri.toString().equals(redirectUri.toString()));
    }

    /** The redirect URI scheme rules; see the class comment. */
    static boolean acceptableRedirect(URI uri) {
        if (!uri.isAbsolute() || uri.getRawFragment() != null || uri.getScheme() == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "https" -> uri.getHost() != null;
            case "http" -> uri.getHost() != null && LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
            default -> !REFUSED_SCHEMES.contains(scheme);
        };
    }

    private static OAuth2HttpResponse refuse(OAuth2HttpRequest request,
            ErrorObject error, String description) {
        return Responses.fromNimbus(request,
                new ClientRegistrationErrorResponse(error.setDescription(description)).toHTTPResponse());
    }
}
