package dev.baton.servlet;

import static dev.baton.servlet.HostileCase.Expect.ACCEPTED;
import static dev.baton.servlet.HostileCase.Expect.CONTAINER_REFUSAL;
import static dev.baton.servlet.HostileCase.Expect.INVALID_REQUEST;
import static dev.baton.servlet.HostileCase.Expect.INVALID_TOKEN;
import static dev.baton.servlet.HostileCase.Expect.NO_TOKEN;
import static dev.baton.servlet.HostileCase.Request.bearer;
import static dev.baton.servlet.HostileCase.Request.get;
import static dev.baton.servlet.HostileCase.Request.post;
import static dev.baton.servlet.HostileCase.Request.raw;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile cases that live in the request around the token (docs/security.md cases 6, 13, 34 and
 * issue 15): oversize and duplicated headers, tokens in the query or body, CR/LF in anything that
 * could be echoed, and RFC 7662 introspection answers for opaque tokens.
 */
final class HostileRequestCases {
    private static final String FORM = "application/x-www-form-urlencoded";

    private HostileRequestCases() {
    }

    static List<HostileCase> all() {
        List<HostileCase> all = new ArrayList<>();
        all.addAll(headers());
        all.addAll(placement());
        all.addAll(crlf());
        all.addAll(introspection());
        return all;
    }

    private static String expired(HostileFixture f) {
        return f.token().expiresAt(Instant.now().minusSeconds(600)).sign();
    }

    static List<HostileCase> headers() {
        return List.of(
                new HostileCase("header", "a token one character over the 8192 cap",
                        f -> bearer("e" + "A".repeat(8192)), 401, INVALID_TOKEN),
                new HostileCase("header", "an Authorization header over the container's 64 KiB limit",
                        f -> raw("Authorization: Bearer " + "A".repeat(70 * 1024) + "\r\n"), 431, CONTAINER_REFUSAL),
                new HostileCase("header", "two Authorization headers with the same good token",
                        f -> {
                            String token = f.good();
                            return get("/mcp", "Authorization", "Bearer " + token, "Authorization", "Bearer " + token);
                        }, 400, INVALID_REQUEST),
                new HostileCase("header", "a Bearer and a Basic Authorization header",
                        f -> get("/mcp", "Authorization", "Bearer " + f.good(), "authorization", "Basic dXNlcjpwYXNz"),
                        400, INVALID_REQUEST),
                new HostileCase("header", "two tokens in one header",
                        f -> get("/mcp", "Authorization", "Bearer " + f.good() + ", Bearer " + f.good()), 401, INVALID_TOKEN),
                new HostileCase("header", "a space inside the token", f -> {
                    String token = f.good();
                    return bearer(token.substring(0, 20) + " " + token.substring(20));
                }, 401, INVALID_TOKEN),
                new HostileCase("header", "the scheme alone", f -> get("/mcp", "Authorization", "Bearer"), 401, INVALID_TOKEN),
                new HostileCase("header", "Basic credentials only",
                        f -> get("/mcp", "Authorization", "Basic dXNlcjpwYXNz"), 401, NO_TOKEN),
                new HostileCase("header", "a DPoP scheme", f -> get("/mcp", "Authorization", "DPoP " + f.good()), 401, NO_TOKEN),
                new HostileCase("header", "a tab instead of the space",
                        f -> get("/mcp", "Authorization", "Bearer\t" + f.good()), 401, NO_TOKEN),
                new HostileCase("header", "a non-ASCII character inside the token",
                        f -> raw("Authorization: Bearer " + f.good().replaceFirst("\\.", "\u00e9.") + "\r\n"),
                        401, INVALID_TOKEN),
                new HostileCase("control", "the scheme in lower case is accepted (RFC 9110 §11.1)",
                        f -> get("/mcp", "Authorization", "bearer " + f.good()), 200, ACCEPTED));
    }

    static List<HostileCase> placement() {
        return List.of(
                new HostileCase("placement", "a token in the query only",
                        f -> get("/mcp?access_token=" + f.good()), 400, INVALID_REQUEST),
                new HostileCase("placement", "a token in the query next to a good header",
                        f -> get("/mcp?access_token=" + f.good(), "Authorization", "Bearer " + f.good()), 400, INVALID_REQUEST),
                new HostileCase("placement", "an empty access_token in the query next to a good header",
                        f -> get("/mcp?access_token=", "Authorization", "Bearer " + f.good()), 400, INVALID_REQUEST),
                new HostileCase("placement", "a token in a form body only",
                        f -> post("/mcp", FORM, "access_token=" + f.good()), 400, INVALID_REQUEST),
                new HostileCase("placement", "a token in a form body next to a good header",
                        f -> post("/mcp", FORM, "x=1&access_token=" + f.good(), "Authorization", "Bearer " + f.good()),
                        400, INVALID_REQUEST),
                new HostileCase("placement", "a malformed query next to a good header",
                        f -> raw("/mcp?x=%zz", "Authorization: Bearer " + f.good() + "\r\n"), 400, INVALID_REQUEST),
                new HostileCase("placement", "a malformed form body next to a good header",
                        f -> post("/mcp", FORM, "x=%zz", "Authorization", "Bearer " + f.good()), 400, INVALID_REQUEST),
                new HostileCase("placement", "ACCESS_TOKEN in upper case is not the parameter and no token",
                        f -> get("/mcp?ACCESS_TOKEN=" + f.good()), 401, NO_TOKEN),
                new HostileCase("control", "access_token inside a JSON body is the application's business",
                        f -> post("/mcp", "application/json", "{\"access_token\":\"" + f.good() + "\"}",
                                "Authorization", "Bearer " + f.good()), 200, ACCEPTED));
    }

    static List<HostileCase> crlf() {
        return List.of(
                new HostileCase("crlf", "an encoded CR LF in the path (Jetty refuses such a path)",
                        f -> get("/mcp/%0d%0aX-Injected:%201", "Authorization", "Bearer " + expired(f)), 400,
                        CONTAINER_REFUSAL),
                new HostileCase("crlf", "an encoded CR LF in the query",
                        f -> get("/mcp?q=%0d%0aX-Injected:%201", "Authorization", "Bearer " + expired(f)), 401, INVALID_TOKEN),
                new HostileCase("crlf", "CR LF in the subject of a refused token",
                        f -> bearer(f.token().subject("alice\r\nX-Injected: 1").expiresAt(Instant.now().minusSeconds(600))
                                .sign()), 401, INVALID_TOKEN),
                new HostileCase("crlf", "CR LF in the kid",
                        f -> bearer(f.token().keyId("rsa-1\r\nX-Injected: 1").sign()), 401, INVALID_TOKEN),
                new HostileCase("crlf", "CR LF in the typ",
                        f -> bearer(f.token().type("at+jwt\r\nX-Injected: 1").sign()), 401, INVALID_TOKEN),
                new HostileCase("crlf", "CR LF in the issuer",
                        f -> bearer(f.token().issuer(f.as.issuer() + "\r\nX-Injected: 1").sign()), 401, INVALID_TOKEN),
                new HostileCase("crlf", "CR LF in a scope of an under-scoped token",
                        f -> bearer(f.token().scope("other\r\nX-Injected: 1").expiresAt(Instant.now().minusSeconds(600))
                                .sign()), 401, INVALID_TOKEN),
                new HostileCase("crlf", "a bare CR inside the Authorization header",
                        f -> raw("Authorization: Bearer " + f.good() + "\rX-Injected: 1\r\n"), 400, CONTAINER_REFUSAL),
                new HostileCase("crlf", "a folded Authorization header (obs-fold)",
                        f -> raw("Authorization: Bearer\r\n " + f.good() + "\r\n"), 400, CONTAINER_REFUSAL),
                new HostileCase("crlf", "a NUL inside the token",
                        f -> raw("Authorization: Bearer " + f.good().replaceFirst("\\.", "\u0000.") + "\r\n"),
                        400, CONTAINER_REFUSAL));
    }

    static List<HostileCase> introspection() {
        return List.of(
                new HostileCase("control", "an active opaque access token is accepted",
                        f -> bearer(HostileFixture.OPAQUE_ACCESS), 200, ACCEPTED),
                new HostileCase("control", "an opaque access token with Okta's token_type Bearer is accepted",
                        f -> bearer(HostileFixture.OPAQUE_ACCESS_OKTA), 200, ACCEPTED),
                new HostileCase("control", "an opaque access token with Ory's token_use access_token is accepted",
                        f -> bearer(HostileFixture.OPAQUE_ACCESS_ORY), 200, ACCEPTED),
                new HostileCase("introspection", "a refresh token by Ory's token_use (RFC 6749 §1.5)",
                        f -> bearer(HostileFixture.OPAQUE_REFRESH_ORY), 401, INVALID_TOKEN),
                new HostileCase("introspection", "a refresh token by Duende's token_type (RFC 7662 §2.2)",
                        f -> bearer(HostileFixture.OPAQUE_REFRESH_DUENDE), 401, INVALID_TOKEN),
                new HostileCase("introspection", "a refresh token by its RFC 8693 token type URI",
                        f -> bearer(HostileFixture.OPAQUE_REFRESH_URN), 401, INVALID_TOKEN),
                new HostileCase("introspection", "an inactive token", f -> bearer(HostileFixture.OPAQUE_INACTIVE),
                        401, INVALID_TOKEN),
                new HostileCase("introspection", "an active answer without the audience",
                        f -> bearer(HostileFixture.OPAQUE_NO_AUDIENCE), 401, INVALID_TOKEN),
                new HostileCase("introspection", "an active answer with a numeric subject",
                        f -> bearer(HostileFixture.OPAQUE_NUMERIC_SUBJECT), 401, INVALID_TOKEN));
    }
}
