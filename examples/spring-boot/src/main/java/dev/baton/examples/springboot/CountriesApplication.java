package dev.baton.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The countries MCP server on Spring Boot and Spring AI. Baton is configured in
 * {@code application.yml} alone: the starter validates the callers' tokens in front of
 * {@code /mcp}, serves the RFC 9728 metadata, checks the per-tool scopes, and puts a token exchanged
 * for the calling user on every {@code RestClient} call to the GraphQL backend.
 */
@SpringBootApplication
public class CountriesApplication {

    /**
     * Starts the server.
     *
     * @param args Spring Boot arguments, such as {@code --baton.resource-server.issuer=...}
     */
    public static void main(String[] args) {
        SpringApplication.run(CountriesApplication.class, args);
    }
}
