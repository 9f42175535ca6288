package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.TestAuthorizationServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Baton with spring-boot-starter-security on Tomcat: Baton's filter answers for its paths before
 * Spring Security's chain, the validated user is the chain's {@code Authentication} (so the default
 * "authenticated" rule passes and {@code @PreAuthorize} sees its scopes), Baton's bearer requests are
 * exempt from CSRF, and Spring Security keeps protecting every other path.
 */
class SpringSecurityCoexistenceTest {
    static final MockWebServer idpServer = new MockWebServer();
    static TestAuthorizationServer idp;
    static ConfigurableApplicationContext app;
    static String base;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        idpServer.start();
        idp = new TestAuthorizationServer(idpServer, "/oauth2/mcp");
        app = new SpringApplicationBuilder(SecuredApp.class).properties(
                "server.port=0",
                "baton.resource-server.issuer=" + idp.issuer(),
                "baton.resource-server.audience=mcpserver",
                "baton.resource-server.resource=http://127.0.0.1/api",
                "baton.resource-server.paths=/api/*").run();
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() throws IOException {
        app.close();
        idpServer.close();
    }

    private static String token(String subject, String scope) {
        return idp.token().subject(subject).audience("mcpserver").scope(scope).sign();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequestWithoutTokenGetsBatonsChallengeNotSpringSecuritys() throws Exception {
        HttpResponse<String> response = get("/api/me", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate")).singleElement().asString()
                .startsWith("Bearer ").contains("resource_metadata=");
    }

    @Test
    void theValidatedUserIsSpringSecuritysAuthentication() throws Exception {
        HttpResponse<String> response = get("/api/me", token("alice", "mcp:tools:call"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("alice [SCOPE_mcp:tools:call] BatonAuthentication");
    }

    @Test
    void preAuthorizeSeesTheTokensScopes() throws Exception {
        assertThat(get("/api/details", token("bob", "mcp:tools:call")).statusCode()).isEqualTo(403);
        HttpResponse<String> allowed = get("/api/details", token("bob", "mcp:tools:call countries:details"));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.body()).isEqualTo("details for bob");
    }

    @Test
    void aPostWithABearerTokenIsNotRefusedByCsrfProtection() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/echo"))
                .header("Authorization", "Bearer " + token("alice", "mcp:tools:call"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
    }

    @Test
    void springSecurityStillProtectsThePathsBatonDoesNot() throws Exception {
        HttpResponse<String> response = get("/other", token("alice", "mcp:tools:call"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Basic");
    }

    /** An application with spring-boot-starter-security's defaults and method security. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableMethodSecurity
    @Import({Api.class, Details.class})
    static class SecuredApp {
    }

    /** Endpoints behind Baton's filter, and one outside it. */
    @RestController
    static class Api {
        private final Details details;

        Api(Details details) {
            this.details = details;
        }

        @GetMapping("/api/me")
        String me(Authentication authentication) {
            return authentication.getName() + " " + authentication.getAuthorities() + " "
                    + authentication.getClass().getSimpleName();
        }

        @GetMapping("/api/details")
        String details(Authentication authentication) {
            return details.of(authentication.getName());
        }

        @PostMapping("/api/echo")
        String echo(@RequestBody String body) {
            return body;
        }

        @GetMapping("/other")
        String other() {
            return "other";
        }
    }

    /** A service whose method needs a scope, as a tool method would. */
    @Service
    static class Details {
        @PreAuthorize("hasAuthority('SCOPE_countries:details')")
        public String of(String name) {
            return "details for " + name;
        }
    }
}
