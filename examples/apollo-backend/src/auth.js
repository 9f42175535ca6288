// Bearer token authentication (RFC 6750) against the backend issuer: JWKS located through
// discovery, signature, issuer, audience, lifetime and scope checked with `jose`.
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import {
  DPOP_ALGORITHMS,
  DPoPNonceError,
  DPoPProofError,
  createNonceSource,
  createReplayCache,
  verifyProof,
} from './dpop.js';

/** Asymmetric algorithms only (RFC 7518 §3.1): never `none`, never an HMAC secret. */
export const ALLOWED_ALGORITHMS = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
]);

const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_DISCOVERY_BYTES = 256 * 1024;
const FETCH_TIMEOUT_MS = 5000;
const DEFAULT_RETRY_COOLDOWN_MS = 2000;
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * A rejected request: HTTP status, `WWW-Authenticate` value, a short reason for the audit
 * line and the message returned to the client. Never carries the token.
 */
export class AuthenticationError extends Error {
  /**
   * @param {401|403} status
   * @param {string} reason
   * @param {string} wwwAuthenticate
   * @param {string|null} sub
   */
  constructor(status, reason, wwwAuthenticate, sub = null, headers = {}) {
    super(
      status === 403
        ? 'Insufficient scope for this API'
        : reason === 'missing token'
          ? `Authentication required: send Authorization: ${wwwAuthenticate.startsWith('DPoP') ? 'DPoP <token> and a DPoP proof' : 'Bearer <token>'}`
          : `${wwwAuthenticate.startsWith('DPoP') ? 'DPoP' : 'Bearer'} token rejected: ${reason}`,
    );
    this.name = 'AuthenticationError';
    this.status = status;
    this.reason = reason;
    this.wwwAuthenticate = wwwAuthenticate;
    this.sub = sub;
    /** More response headers (a `DPoP-Nonce`). */
    this.headers = headers;
  }
}

const MAX_UNVERIFIED_AUDIENCES = 10;

/**
 * The `aud` claim of a Bearer token read WITHOUT verification, for the audit line of a
 * rejected request only: it tells an operator which audience the rejected token was minted
 * for (e.g. `mcpserver`, the token the MCP client got, RFC 8707), never a basis for a
 * decision. Returns `null` when there is no Bearer JWT, or its `aud` is absent or not a
 * string or an array of strings (RFC 7519 §4.1.3).
 * @param {string|undefined} authorization the `Authorization` header value
 * @returns {string[]|null}
 */
export function unverifiedAudience(authorization) {
  const match = /^(?:Bearer|DPoP) +(\S+) *$/i.exec(authorization ?? '');
  if (!match || match[1].length > MAX_TOKEN_LENGTH) {
    return null;
  }
  let aud;
  try {
    ({ aud } = decodeJwt(match[1]));
  } catch {
    return null;
  }
  const values = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
    return null;
  }
  return values.slice(0, MAX_UNVERIFIED_AUDIENCES);
}

/**
 * Where discovery metadata is looked up for an issuer, in order: OpenID Connect Discovery
 * §4 (path appended), then RFC 8414 §3.1 (well-known segment inserted before the path).
 * @param {string} issuer
 */
export function discoveryUrls(issuer) {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

/**
 * Checks the issuer configuration value: an absolute http(s) URL without query or fragment
 * (RFC 8414 §2). Throws with a clear message otherwise.
 * @param {string|undefined} issuer
 */
export function requireValidIssuer(issuer) {
  if (!issuer) {
    throw new Error('BACKEND_ISSUER is required (the issuer URL of the backend authorization server)');
  }
  let url;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`BACKEND_ISSUER is not a URL: ${issuer}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new Error(`BACKEND_ISSUER must be an http(s) URL without query or fragment: ${issuer}`);
  }
  return issuer;
}

async function readBounded(response, limit) {
  const reader = response.body?.getReader();
  if (!reader) {
    return '';
  }
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new Error(`response larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function fetchMetadata(url, issuer) {
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`${url} answered HTTP ${response.status}`);
  }
  const metadata = JSON.parse(await readBounded(response, MAX_DISCOVERY_BYTES));
  if (metadata === null || typeof metadata !== 'object') {
    throw new Error(`${url} did not return a JSON object`);
  }
  // OpenID Connect Discovery §4.3 and RFC 8414 §3.3: the metadata must name exactly this issuer.
  if (metadata.issuer !== issuer) {
    throw new Error(`${url} names issuer ${JSON.stringify(String(metadata.issuer))}, expected ${issuer}`);
  }
  let jwksUri;
  try {
    jwksUri = new URL(metadata.jwks_uri);
  } catch {
    throw new Error(`${url} has no valid jwks_uri`);
  }
  if (jwksUri.protocol !== 'http:' && jwksUri.protocol !== 'https:') {
    throw new Error(`${url} has a jwks_uri that is not http(s)`);
  }
  return jwksUri;
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0].slice(0, 300);
}

/** Splits `scope` (RFC 8693 §4.2, space-separated) and `scp` (string or array) into a set. */
export function grantedScopes(claims) {
  const scopes = [];
  const add = (value) => {
    if (typeof value === 'string') {
      scopes.push(...value.split(' ').filter((s) => s.length > 0));
    } else if (Array.isArray(value)) {
      value.filter((s) => typeof s === 'string').forEach(add);
    }
  };
  add(claims.scope);
  add(claims.scp);
  return [...new Set(scopes)];
}

function audiences(claims) {
  if (typeof claims.aud === 'string') {
    return [claims.aud];
  }
  return Array.isArray(claims.aud) ? claims.aud.filter((a) => typeof a === 'string') : [];
}

function clientIdOf(claims) {
  for (const name of ['azp', 'client_id', 'cid']) {
    if (typeof claims[name] === 'string' && claims[name].length > 0) {
      return claims[name];
    }
  }
  return null;
}

function reasonFor(error) {
  switch (error?.code) {
    case joseErrors.JWTExpired.code:
      return 'token expired';
    case joseErrors.JWTClaimValidationFailed.code:
      switch (error.claim) {
        case 'aud':
          return 'audience mismatch';
        case 'iss':
          return 'issuer mismatch';
        case 'nbf':
        case 'iat':
          return 'token not yet valid';
        default:
          return error.reason === 'missing' ? `missing claim ${error.claim}` : `invalid claim ${error.claim}`;
      }
    case joseErrors.JOSEAlgNotAllowed.code:
    case joseErrors.JOSENotSupported.code:
      return 'algorithm not allowed';
    case joseErrors.JWSSignatureVerificationFailed.code:
      return 'invalid signature';
    case joseErrors.JWKSNoMatchingKey.code:
    case joseErrors.JWKSMultipleMatchingKeys.code:
      return 'no matching key';
    case joseErrors.JWKSTimeout.code:
    case joseErrors.JWKSInvalid.code:
      return 'issuer keys unavailable';
    case joseErrors.JWSInvalid.code:
    case joseErrors.JWTInvalid.code:
      return 'malformed token';
    default:
      return error instanceof TypeError ? 'issuer keys unavailable' : 'token verification failed';
  }
}

/**
 * Creates the authenticator for one issuer.
 *
 * With `dpop` (the default) only DPoP-bound tokens are accepted (RFC 9449 §7.1): `Authorization:
 * DPoP <token>`, exactly one `DPoP` proof header that `verifyProof` accepts for this request, and a
 * token whose `cnf.jkt` names the proof's key. A Bearer token, even a valid one, is refused: a
 * stolen token is useless without the key. With `dpopNonce` as well, a proof must carry the
 * server's current nonce (RFC 9449 §9): one without it gets 401 `use_dpop_nonce` and the nonce in
 * `DPoP-Nonce`. Without `dpop`, RFC 6750 Bearer tokens only.
 *
 * Discovery runs once at creation; when it fails the server keeps running, every request is
 * rejected with 401, and discovery is retried by a later request (at most once per
 * `retryCooldownMs`, one attempt at a time).
 *
 * @param {{issuer: string, audience: string, requiredScopes: string[],
 *          retryCooldownMs?: number, log: (line: string) => void}} options
 */
export function createAuthenticator({
  issuer,
  audience,
  requiredScopes,
  retryCooldownMs,
  log,
  dpop = true,
  dpopNonce = false,
}) {
  requireValidIssuer(issuer);
  if (!Array.isArray(requiredScopes) || requiredScopes.length === 0) {
    throw new Error('requiredScopes must list at least one scope');
  }
  const cooldown = retryCooldownMs ?? DEFAULT_RETRY_COOLDOWN_MS;
  let keySet = null;
  let pending = null;
  let lastFailure = Number.NEGATIVE_INFINITY;

  async function discover() {
    const failures = [];
    for (const url of discoveryUrls(issuer)) {
      try {
        const jwksUri = await fetchMetadata(url, issuer);
        log(`APOLLO_BACKEND_DISCOVERY issuer=${issuer} jwks_uri=${jwksUri.href}`);
        return createRemoteJWKSet(jwksUri, { timeoutDuration: FETCH_TIMEOUT_MS });
      } catch (error) {
        failures.push(firstLine(error));
      }
    }
    throw new Error(failures.join('; '));
  }

  function keys() {
    if (keySet) {
      return Promise.resolve(keySet);
    }
    if (!pending) {
      if (Date.now() - lastFailure < cooldown) {
        return Promise.reject(new Error('discovery failed recently'));
      }
      pending = discover()
        .then((found) => {
          keySet = found;
          return found;
        })
        .catch((error) => {
          lastFailure = Date.now();
          log(
            `APOLLO_BACKEND_DISCOVERY_FAILED issuer=${issuer} reason="${firstLine(error).replace(/"/g, "'")}"` +
              ' (requests get 401 until discovery succeeds)',
          );
          throw error;
        })
        .finally(() => {
          pending = null;
        });
    }
    return pending;
  }

  const scheme = dpop ? 'DPoP' : 'Bearer';
  // RFC 9449 §7.1: a DPoP challenge names the accepted proof algorithms.
  const algs = dpop ? ` algs="${DPOP_ALGORITHMS.join(' ')}"` : '';
  const invalidToken = (reason) =>
    new AuthenticationError(401, reason, `${scheme} error="invalid_token"${dpop ? `,${algs}` : ''}`);
  const invalidProof = (reason) =>
    new AuthenticationError(401, reason, `DPoP error="invalid_dpop_proof",${algs}`);
  const replay = createReplayCache();
  const nonces = dpop && dpopNonce ? createNonceSource() : null;

  /**
   * Authenticates one request from its `Authorization` header value and, with DPoP, its proofs.
   * @param {string|undefined} authorization
   * @param {{proofs?: string[], method?: string, url?: string}} [request] with DPoP: the request's
   *   `DPoP` header values, its method and its URL as the client addressed it (no query, fragment)
   * @returns {Promise<{sub: string, aud: string[], scopes: string[], clientId: string|null}>}
   * @throws {AuthenticationError}
   */
  async function authenticate(authorization, request = {}) {
    // RFC 6750 §3.1 / RFC 9449 §7.1: a request without authentication information gets no error code.
    const match = new RegExp(`^${scheme} +(\\S*) *$`, 'i').exec(authorization ?? '');
    if (!match) {
      if (dpop && /^Bearer +\S/i.test(authorization ?? '')) {
        // RFC 9449 §7.2: never accept a token as Bearer where DPoP is required.
        throw new AuthenticationError(401, 'Bearer token refused, DPoP required', `DPoP${algs}`);
      }
      throw new AuthenticationError(401, 'missing token', `${scheme}${algs}`);
    }
    const token = match[1];
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw invalidToken('malformed token');
    }
    const proofs = request.proofs ?? [];
    if (dpop && proofs.length !== 1) {
      // RFC 9449 §4.3 check 1: exactly one DPoP header.
      throw invalidProof(proofs.length === 0 ? 'DPoP proof missing' : 'several DPoP proofs');
    }
    let jwks;
    try {
      jwks = await keys();
    } catch {
      throw invalidToken('issuer unavailable');
    }
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, {
        issuer,
        audience,
        algorithms: [...ALLOWED_ALGORITHMS],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw invalidToken(reasonFor(error));
    }
    if (dpop) {
      try {
        await verifyProof({
          proof: proofs[0],
          method: request.method,
          url: request.url,
          token,
          jkt: claims.cnf?.jkt,
          replay,
          nonces,
        });
      } catch (error) {
        if (error instanceof DPoPNonceError) {
          throw new AuthenticationError(
            401,
            error.message,
            `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof",${algs}`,
            null,
            { 'dpop-nonce': nonces.current() },
          );
        }
        if (error instanceof DPoPProofError) {
          throw error.message === 'token not DPoP-bound' ? invalidToken(error.message) : invalidProof(error.message);
        }
        throw invalidProof('invalid proof');
      }
    }
    const principal = {
      sub: String(claims.sub),
      aud: audiences(claims),
      scopes: grantedScopes(claims),
      clientId: clientIdOf(claims),
    };
    if (!requiredScopes.every((scope) => principal.scopes.includes(scope))) {
      // RFC 6750 §3.1: insufficient_scope names the scopes the request needs.
      throw new AuthenticationError(
        403,
        'insufficient scope',
        `${scheme} error="insufficient_scope", scope="${requiredScopes.join(' ')}"${algs}`,
        principal.sub,
      );
    }
    return principal;
  }

  return {
    authenticate,
    ready: () => keys().then(() => true, () => false),
    /** The nonce to send in `DPoP-Nonce` on every answer, or null when nonces are off. */
    nonce: () => (nonces ? nonces.current() : null),
  };
}
