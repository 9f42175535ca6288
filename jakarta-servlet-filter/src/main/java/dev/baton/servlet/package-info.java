/**
 * Protects a Jakarta Servlet 6 application (an MCP server, for example) with OAuth 2.0 bearer
 * tokens: {@link dev.baton.servlet.BearerTokenFilter} checks the {@code Authorization} header of
 * every request with a {@link dev.baton.TokenValidator}, answers RFC 6750 challenges that point to
 * the RFC 9728 protected resource metadata, and serves that metadata;
 * {@link dev.baton.servlet.ProtectedResourceMetadataServlet} serves it too where the container
 * would not run the filter for the well-known paths.
 *
 * <h2>What a request gets</h2>
 * <ul>
 *   <li>The metadata paths ({@code /.well-known/oauth-protected-resource} followed by the path of
 *   the resource, and the bare {@code /.well-known/oauth-protected-resource}) get the JSON document,
 *   readable from any origin. The root document names the configured resource too: one filter
 *   protects one resource, so a host serves one resource's metadata (RFC 9728 §3.1 allows the root
 *   URL for a resource without a path, and clients that only try the root still find the right
 *   document). Map the filter to {@code /*}, or add {@code /.well-known/oauth-protected-resource/*}
 *   to its URL patterns. A container may answer 404 to a path no servlet is mapped to before any
 *   filter runs (Tomcat without a default servlet): then map the metadata servlet there as well.
 *   Well-known URLs live at the root of the host (RFC 8615), so an application deployed under a
 *   context path only receives them when it is the root application or a proxy routes them to it.</li>
 *   <li>Open paths pass through untouched.</li>
 *   <li>A CORS preflight ({@code OPTIONS} with {@code Origin} and
 *   {@code Access-Control-Request-Method}) of any other path is answered 204 for any origin, with
 *   {@code Access-Control-Allow-Origin: *}, the requested method and headers and
 *   {@code Access-Control-Max-Age}, never with {@code Access-Control-Allow-Credentials}: a
 *   preflight carries no token, and a browser-based MCP client must get past it to read the
 *   challenge of its real request.</li>
 *   <li>Every other request needs exactly one {@code Authorization: Bearer <token>} header
 *   (RFC 6750 §2.1; the scheme is matched case-insensitively):
 *   <ul>
 *     <li>no bearer token: 401, {@code WWW-Authenticate: Bearer resource_metadata="…"} (plus
 *     {@code scope="…"} when scopes are required), no {@code error} (RFC 6750 §3.1);</li>
 *     <li>several {@code Authorization} headers, or an {@code access_token} in the query string or
 *     a form body (RFC 6750 §2.2, §2.3): 400, {@code error="invalid_request"};</li>
 *     <li>a token that is too long, malformed, or that the validator rejects: 401,
 *     {@code error="invalid_token"} with an {@code error_description};</li>
 *     <li>a token without a required scope: 403, {@code error="insufficient_scope"},
 *     {@code scope="…"};</li>
 *     <li>a token that could not be checked because the authorization server failed
 *     ({@link dev.baton.TokenValidationException#isServiceUnavailable()}): 503 with
 *     {@code {"error":"temporarily_unavailable",…}} and no challenge, since the client's token is
 *     not at fault;</li>
 *     <li>an accepted token: the request goes on, carrying the token as described in
 *     {@link dev.baton.servlet.BearerTokenFilter}; the accepted responses of configured CORS
 *     origins are readable from those origins.</li>
 *   </ul></li>
 *   <li>With a {@link dev.baton.servlet.DPoPPolicy} other than {@code BEARER_ONLY}, a DPoP-bound
 *   token comes as {@code Authorization: DPoP <token>} with exactly one {@code DPoP} proof header
 *   (RFC 9449 §7.1): challenges then offer {@code DPoP algs="…"} too (only it when DPoP is
 *   required), a refused proof gets 401 {@code error="invalid_dpop_proof"} in the {@code DPoP}
 *   challenge, a missing server nonce 401 {@code error="use_dpop_nonce"} with a {@code DPoP-Nonce}
 *   header, and the metadata lists {@code dpop_signing_alg_values_supported} (and
 *   {@code dpop_bound_access_tokens_required}). Under every policy a token bound to a key
 *   ({@code cnf.jkt}) sent as {@code Bearer} gets 401 {@code invalid_token}.</li>
 * </ul>
 * Every refusal carries {@code Cache-Control: no-store}, a JSON body
 * {@code {"error":"…","error_description":"…"}}, {@code Access-Control-Allow-Origin: *} and
 * {@code Access-Control-Expose-Headers: WWW-Authenticate}. No token or proof content is ever
 * echoed, and no token or proof makes the filter answer 500. Descriptions are reduced to the characters RFC 6750 §3 allows
 * (a double quote becomes a single quote).
 *
 * <h2>Audit</h2>
 * The validator emits one {@link dev.baton.ValidationEvent} per token it checks, with the request
 * method and path (context path included) as its {@link dev.baton.AuditContext}. Requests refused
 * before the validator sees a token (no token, several headers, a token in the query or body, too
 * long or malformed) are reported through the filter's own audit listener; for a request without a
 * token the event's {@code error} is {@code null}, as no error code is sent.
 *
 * <p>A token the validator accepts but a path scope rule refuses produces two events for the one
 * request: the validator's {@code accepted=true} (the token itself is valid; the validator knows
 * nothing of paths), then the filter's {@code accepted=false} with {@code insufficient_scope}, the
 * same fingerprint, subject and context. The last event of a request is its outcome. Scopes every
 * path needs belong in {@link dev.baton.TokenValidator.Builder#requiredScopes(String...)}, whose
 * refusals are a single event.
 *
 * <h2>Configuration from {@code web.xml}</h2>
 * A {@code BearerTokenFilter} or {@code ProtectedResourceMetadataServlet} created by the container
 * with its no-argument constructor is configured in {@code init} from these init parameters (lists
 * are separated by commas or spaces). Both accept the same names, so one block can be copied from
 * the filter to the servlet; the servlet only uses those that shape the metadata, and needs neither
 * {@code issuer} (when {@code authorization-servers} is given) nor {@code audience}. An unknown
 * name, a missing required parameter or an invalid value makes {@code init} throw a
 * {@link jakarta.servlet.ServletException} naming it, so the application fails to start instead of
 * running unprotected.
 * <table>
 *   <caption>Init parameters</caption>
 *   <tr><th>name</th><th>required</th><th>meaning</th></tr>
 *   <tr><td>{@code issuer}</td><td>yes</td><td>the authorization server's issuer identifier; its
 *   metadata (RFC 8414, then OpenID discovery) gives the JWKS URI</td></tr>
 *   <tr><td>{@code audience}</td><td>yes</td><td>the audience ({@code aud}) every token must contain</td></tr>
 *   <tr><td>{@code required-scopes}</td><td>no</td><td>scopes every token must carry</td></tr>
 *   <tr><td>{@code jwks-uri}</td><td>no</td><td>the JWKS URI, skipping discovery</td></tr>
 *   <tr><td>{@code allowed-algorithms}</td><td>no</td><td>JWS algorithms accepted, among RS256,
 *   RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 (default: all of these)</td></tr>
 *   <tr><td>{@code clock-skew-seconds}</td><td>no</td><td>tolerance for {@code exp}, {@code nbf},
 *   {@code iat}, 0 to 300 (default 60)</td></tr>
 *   <tr><td>{@code resource}</td><td>yes</td><td>the RFC 9728 resource identifier, see
 *   {@link dev.baton.servlet.BearerTokenFilter.Builder#resource(String)}</td></tr>
 *   <tr><td>{@code authorization-servers}</td><td>no</td><td>issuers listed in the metadata
 *   (default: {@code issuer})</td></tr>
 *   <tr><td>{@code scopes-supported}</td><td>no</td><td>the metadata's {@code scopes_supported}
 *   (default: every scope the filter requires)</td></tr>
 *   <tr><td>{@code resource-name}</td><td>no</td><td>the metadata's {@code resource_name}</td></tr>
 *   <tr><td>{@code resource-documentation}</td><td>no</td><td>the metadata's
 *   {@code resource_documentation} URL</td></tr>
 *   <tr><td>{@code path-scopes}</td><td>no</td><td>scope rules per path, separated by
 *   semicolons, each {@code pattern=scope scope…}, for example
 *   {@code /mcp/*=mcp:tools:call; /admin/*=admin}</td></tr>
 *   <tr><td>{@code open-paths}</td><td>no</td><td>path patterns that need no token</td></tr>
 *   <tr><td>{@code max-token-length}</td><td>no</td><td>longest accepted token, in characters,
 *   256 to 65536, for the filter and the validator (default
 *   {@value dev.baton.servlet.BearerTokenFilter.Builder#DEFAULT_MAX_TOKEN_LENGTH})</td></tr>
 *   <tr><td>{@code cors-allowed-origins}</td><td>no</td><td>origins allowed to read accepted
 *   responses of protected paths from a browser, or {@code *}</td></tr>
 *   <tr><td>{@code dpop}</td><td>no</td><td>{@code bearer-only} (default), {@code accepted} or
 *   {@code required}: {@link dev.baton.servlet.DPoPPolicy}</td></tr>
 *   <tr><td>{@code external-base-url}</td><td>no</td><td>the URL prefix clients call behind a
 *   proxy, for DPoP proofs, see
 *   {@link dev.baton.servlet.BearerTokenFilter.Builder#externalBaseUrl(String)} (default: the
 *   scheme, host and port of {@code resource})</td></tr>
 *   <tr><td>{@code dpop-algorithms}</td><td>no</td><td>JWS algorithms accepted for DPoP proofs,
 *   among the nine of {@code allowed-algorithms}' list (default: all nine)</td></tr>
 *   <tr><td>{@code dpop-proof-max-age-seconds}</td><td>no</td><td>how old a DPoP proof may be,
 *   1 to 300 (default 60)</td></tr>
 *   <tr><td>{@code dpop-nonce}</td><td>no</td><td>{@code true} to require server-issued nonces
 *   in DPoP proofs (RFC 9449 §9; default {@code false})</td></tr>
 * </table>
 * Declare the filter with {@code <async-supported>true</async-supported>}: MCP Streamable HTTP
 * servers call {@code startAsync()}, which the container refuses (an
 * {@code IllegalStateException}, answered 500) when any filter of the chain does not support it.
 * A filter or servlet made by the builder ignores init parameters.
 */
package dev.baton.servlet;
