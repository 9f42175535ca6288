/**
 * Baton core: validation of incoming access tokens, OAuth 2.0 Token Exchange (RFC 8693) with a
 * per-user cache, and audit events. The API is the {@code dev.baton} package; the
 * {@code dev.baton.internal} packages are opened only to Baton's own adapter modules.
 */
// The adapters are compiled after core, so javac cannot see them yet when checking the qualified export.
@SuppressWarnings("module")
module dev.baton.core {
    requires transitive java.net.http;
    requires com.nimbusds.jose.jwt;
    // oauth2-oidc-sdk and json-smart (whose JSONObject its parsers take) ship no module descriptor
    // and no Automatic-Module-Name: their names are the ones Java derives from the artifacts' file
    // names, stable as long as those artifacts keep their names. None of their types is part of
    // Baton's API.
    requires oauth2.oidc.sdk;
    requires json.smart;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.baton;
    exports dev.baton.internal to dev.baton.okhttp, dev.baton.servlet, dev.baton.mcp, dev.baton.redis;
    exports dev.baton.internal.dpop to dev.baton.okhttp;
}
