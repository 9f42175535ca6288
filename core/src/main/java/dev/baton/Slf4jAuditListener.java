package dev.baton;

import java.util.Collection;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link AuditListener}: one {@code key=value} line per event on logger {@code dev.baton.audit}.
 * Values are quoted when they contain spaces, quotes or control characters, so a hostile claim
 * cannot forge extra fields or lines.
 */
final class Slf4jAuditListener implements AuditListener {
    static final Slf4jAuditListener INSTANCE = new Slf4jAuditListener();
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.baton.audit");

    private Slf4jAuditListener() {
    }

    @Override
    public void onValidation(ValidationEvent e) {
        if (e.accepted() ? !AUDIT.isInfoEnabled() : !AUDIT.isWarnEnabled()) {
            return;
        }
        StringBuilder b = new StringBuilder(192).append("event=token_validation");
        field(b, "outcome", e.accepted() ? "accepted" : "rejected");
        field(b, "error", e.error() == null ? null : e.error().code());
        field(b, "reason", e.reason());
        field(b, "sub", e.subject());
        field(b, "client_id", e.clientId());
        field(b, "iss", e.issuer());
        field(b, "aud", join(e.audiences()));
        field(b, "scope", join(e.scopes()));
        field(b, "token", e.tokenFingerprint());
        field(b, "method", e.context().method());
        field(b, "path", e.context().path());
        field(b, "cached", String.valueOf(e.fromCache()));
        field(b, "latency_us", String.valueOf(e.latency().toNanos() / 1000));
        if (e.accepted()) {
            AUDIT.info(b.toString());
        } else {
            AUDIT.warn(b.toString());
        }
    }

    @Override
    public void onExchange(ExchangeEvent e) {
        boolean ok = e.outcome() == ExchangeEvent.Outcome.SUCCESS;
        if (ok ? !AUDIT.isInfoEnabled() : !AUDIT.isWarnEnabled()) {
            return;
        }
        StringBuilder b = new StringBuilder(192).append("event=token_exchange");
        field(b, "outcome", ok ? "success" : "failure");
        field(b, "error", e.error());
        field(b, "sub", e.subject());
        field(b, "client_id", e.clientId());
        field(b, "token", e.subjectTokenFingerprint());
        field(b, "audience", join(e.audiences()));
        field(b, "resource", join(e.resources()));
        field(b, "scope", join(e.requestedScopes()));
        field(b, "granted_scope", join(e.grantedScopes()));
        field(b, "status", e.httpStatus() == 0 ? null : String.valueOf(e.httpStatus()));
        field(b, "source", e.source().name().toLowerCase(Locale.ROOT));
        field(b, "cached", String.valueOf(e.fromCache()));
        field(b, "latency_us", String.valueOf(e.latency().toNanos() / 1000));
        if (ok) {
            AUDIT.info(b.toString());
        } else {
            AUDIT.warn(b.toString());
        }
    }

    private static String join(Collection<String> values) {
        return values.isEmpty() ? null : String.join(" ", values);
    }

    private static void field(StringBuilder b, String key, String value) {
        if (value == null) {
            return;
        }
        b.append(' ').append(key).append('=');
        boolean quote = value.isEmpty();
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f;
        }
        if (!quote) {
            b.append(value);
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < ' ' || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
