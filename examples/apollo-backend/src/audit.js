// Audit and status lines on stdout. Their format is a contract: the Java end-to-end tests of
// the example parse them. Values come from verified token claims only and are sanitized so a
// claim can never forge or split a line; the token itself is never part of any line.

const MAX_VALUE_LENGTH = 200;

/**
 * Makes a value safe for an unquoted `key=value` field: printable ASCII without space,
 * quote or backslash; anything else becomes `_`. Empty or absent values become `-`.
 * @param {unknown} value
 */
export function bare(value) {
  if (value === undefined || value === null) {
    return '-';
  }
  const text = String(value).slice(0, MAX_VALUE_LENGTH).replace(/[^\x21-\x7e]|["\\]/g, '_');
  return text.length > 0 ? text : '-';
}

/**
 * Makes a value safe inside a double-quoted field: printable ASCII and spaces, without
 * quote or backslash (RFC 6749 scope tokens never contain those).
 * @param {unknown} value
 */
export function quoted(value) {
  const text = String(value ?? '').slice(0, MAX_VALUE_LENGTH * 4);
  return `"${text.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`;
}

/** `APOLLO_BACKEND_LISTENING url=...`, printed once the server listens. */
export function listeningLine(url) {
  return `APOLLO_BACKEND_LISTENING url=${url}`;
}

/**
 * The line for a request whose token was accepted.
 * @param {{sub: string, aud: string[], scopes: string[], clientId: string|null}} principal
 * @param {string|null} operation operation name, or the first root field
 */
export function acceptedLine(principal, operation) {
  const aud = principal.aud.length > 0 ? principal.aud.map(bare).join(',') : '-';
  return (
    `APOLLO_AUDIT outcome=accepted sub=${bare(principal.sub)} aud=${aud}` +
    ` scope=${quoted(principal.scopes.join(' '))} client_id=${bare(principal.clientId)}` +
    ` operation=${bare(operation)}`
  );
}

/**
 * The line for a rejected request.
 * @param {number} status 401 or 403
 * @param {string} reason short, fixed text (never token content)
 * @param {string|null} sub the subject when the token was valid but lacked the scope
 * @param {string[]|null} [unverifiedAud] the token's `aud` read without verification, or
 *   null when unreadable; labelled `unverified_` because the claims of a rejected token are
 *   not trusted
 */
export function rejectedLine(status, reason, sub, unverifiedAud = null) {
  const aud = unverifiedAud && unverifiedAud.length > 0 ? unverifiedAud.map(bare).join(',') : '-';
  return (
    `APOLLO_AUDIT outcome=rejected status=${status} reason=${quoted(reason)} sub=${bare(sub)}` +
    ` unverified_aud=${aud}`
  );
}

/** A DPoP nonce handed to a client whose proof lacked it (RFC 9449 §9): not an audit refusal. */
export function nonceLine() {
  return 'APOLLO_DPOP_NONCE status=401 error=use_dpop_nonce';
}
