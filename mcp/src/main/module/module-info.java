/**
 * Baton for MCP servers on the MCP Java SDK: {@link dev.baton.mcp.McpAuthorizationFilter} puts
 * Baton's bearer-token filter and the MCP-specific rules in front of the SDK's servlet transport,
 * and {@link dev.baton.mcp.McpUser} hands the accepted token to tool handlers. The API is the
 * {@code dev.baton.mcp} package.
 */
module dev.baton.mcp {
    requires transitive dev.baton.servlet;
    // The MCP Java SDK ships no module descriptor; this is its Automatic-Module-Name.
    requires transitive io.modelcontextprotocol.sdk.mcp.core;
    requires com.nimbusds.jose.jwt;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.baton.mcp;
}
