/**
 * Protects a Jakarta Servlet 6 application (an MCP server, for example) with OAuth 2.0 bearer
 * tokens: {@link dev.baton.servlet.BearerTokenFilter} checks the {@code Authorization} header of
 * every request with a {@link dev.baton.TokenValidator}, answers RFC 6750 challenges that point to
 * the RFC 9728 protected resource metadata, and serves that metadata;
 * {@link dev.baton.servlet.ProtectedResourceMetadataServlet} serves it too where the container
 * would not run the filter for the well-known paths.
 */
package dev.baton.servlet;
