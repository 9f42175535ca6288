package dev.baton;

/**
 * Where a validation happened, for the audit trail: the HTTP method and path of the incoming
 * request. Adapters such as the servlet filter fill it in; direct callers may pass {@link #none()}.
 *
 * @param method the HTTP method, or {@code null}
 * @param path the request path without the query string, or {@code null}
 */
public record AuditContext(String method, String path) {
    private static final AuditContext NONE = new AuditContext(null, null);

    /** No request details. */
    public static AuditContext none() {
        return NONE;
    }

    /** Details of one HTTP request. */
    public static AuditContext of(String method, String path) {
        return new AuditContext(method, path);
    }
}
