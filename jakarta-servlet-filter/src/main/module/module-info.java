/**
 * Baton for Jakarta Servlet: {@link dev.baton.servlet.BearerTokenFilter} validates the bearer
 * token of every request (RFC 6750) and serves the protected resource metadata (RFC 9728). The API
 * is the {@code dev.baton.servlet} package.
 */
// baton-mcp is compiled after this module, so javac cannot see it yet when checking the qualified export.
@SuppressWarnings("module")
module dev.baton.servlet {
    requires transitive dev.baton.core;
    requires transitive jakarta.servlet;
    requires com.nimbusds.jose.jwt;
    requires org.slf4j;

    exports dev.baton.servlet;
    exports dev.baton.servlet.internal to dev.baton.mcp;
}
