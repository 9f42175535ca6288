// DPoP proof verification for a resource server (RFC 9449 §4.3, §7.1) with `jose`: the proof is a
// JWT signed by the public key it embeds, bound to this request (htm, htu), to this moment (iat),
// used once (jti), to this token (ath), and made with the key the token is bound to (cnf.jkt).
import { createHash, randomBytes } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } from 'jose';

/** Asymmetric algorithms only (RFC 9449 §4.3 check 5): never `none`, never an HMAC secret. */
export const DPOP_ALGORITHMS = Object.freeze(['ES256', 'RS256', 'PS256']);
/** How far a proof's `iat` may be from now, either way (RFC 9449 §11.1). */
export const IAT_WINDOW_SECONDS = 60;
const MAX_PROOF_LENGTH = 8 * 1024;
const MAX_JTI_LENGTH = 256;
const DEFAULT_MAX_JTIS = 100_000;

/** A proof that fails a check: `reason` goes to the audit line and the challenge's description. */
export class DPoPProofError extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'DPoPProofError';
  }
}

/** A proof without the server's current nonce (RFC 9449 §9): answered with the nonce, not an audit refusal. */
export class DPoPNonceError extends DPoPProofError {
  constructor() {
    super('DPoP nonce required');
    this.name = 'DPoPNonceError';
  }
}

/**
 * The server's nonces (RFC 9449 §9): a random value, replaced every `lifetimeMs`; a proof may carry
 * the current one or the one before, so a client that just got a nonce is not refused at the turn.
 * @param {{lifetimeMs?: number, now?: () => number}} [options]
 */
export function createNonceSource({ lifetimeMs = 5 * 60_000, now = Date.now } = {}) {
  const fresh = () => randomBytes(16).toString('base64url');
  let current = fresh();
  let previous = null;
  let since = now();
  const rotate = () => {
    if (now() - since >= lifetimeMs) {
      previous = current;
      current = fresh();
      since = now();
    }
  };
  return {
    /** The nonce to hand out now. */
    current() {
      rotate();
      return current;
    },
    /** Whether `value` is the current nonce or the one before. */
    accepts(value) {
      rotate();
      return typeof value === 'string' && (value === current || value === previous);
    },
  };
}

/**
 * The `jti`s seen within the `iat` window, bounded (RFC 9449 §11.1). An entry lives as long as a
 * proof with that `iat` could pass; when the memory is full a new proof is refused rather than an
 * old entry forgotten, so a replay never gets through because of load.
 * @param {{maxEntries?: number, now?: () => number}} [options]
 */
export function createReplayCache({ maxEntries = DEFAULT_MAX_JTIS, now = Date.now } = {}) {
  const seen = new Map(); // jti -> expiry (ms), in insertion order
  return {
    /** Records `jti`; false when it was seen before or the memory is full. */
    firstUse(jti, iatSeconds) {
      const t = now();
      for (const [key, expiry] of seen) {
        if (expiry > t) {
          break;
        }
        seen.delete(key);
      }
      if (seen.has(jti) || seen.size >= maxEntries) {
        return false;
      }
      // Past iat + window the proof is refused anyway; the entry can go then (ordered by insertion,
      // so the longest-lived window bounds it).
      seen.set(jti, Math.max(iatSeconds * 1000, t) + 2 * IAT_WINDOW_SECONDS * 1000);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}

/** base64url(SHA-256(token)): the `ath` of a proof for this token (RFC 9449 §4.2). */
export function accessTokenHash(token) {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/**
 * Verifies one proof for one request and its DPoP-bound token.
 *
 * @param {{proof: string, method: string, url: string, token: string, jkt: unknown,
 *          replay: ReturnType<typeof createReplayCache>, now?: number}} input
 *   `url` is the request's URL as the client addressed it, without query or fragment; `jkt` the
 *   token's verified `cnf.jkt`; `nonces`, when the server requires its nonces, a `createNonceSource`.
 * @throws {DPoPProofError} a `DPoPNonceError` for a proof that passed every check but the nonce
 */
export async function verifyProof({ proof, method, url, token, jkt, replay, nonces = null, now = Date.now() }) {
  if (typeof proof !== 'string' || proof.length === 0 || proof.length > MAX_PROOF_LENGTH) {
    throw new DPoPProofError('malformed proof');
  }
  if (typeof jkt !== 'string' || jkt.length === 0) {
    throw new DPoPProofError('token not DPoP-bound');
  }
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw new DPoPProofError('malformed proof');
  }
  if (!DPOP_ALGORITHMS.includes(header.alg)) {
    throw new DPoPProofError('proof algorithm not allowed');
  }
  let payload;
  try {
    // EmbeddedJWK: the key is the header's `jwk`, which must be a public key.
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS] }));
  } catch (error) {
    throw new DPoPProofError(error?.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'invalid proof signature'
      : error?.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? 'proof typ is not dpop+jwt' : 'invalid proof');
  }
  if (payload.htm !== method) {
    throw new DPoPProofError('proof htm does not match the request');
  }
  if (typeof payload.htu !== 'string' || stripQueryAndFragment(payload.htu) !== url || payload.htu !== url) {
    throw new DPoPProofError('proof htu does not match the request');
  }
  const nowSeconds = now / 1000;
  if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) {
    throw new DPoPProofError('proof iat missing');
  }
  if (payload.iat > nowSeconds + IAT_WINDOW_SECONDS) {
    throw new DPoPProofError('proof from the future');
  }
  if (payload.iat < nowSeconds - IAT_WINDOW_SECONDS) {
    throw new DPoPProofError('proof too old');
  }
  if (payload.ath !== accessTokenHash(token)) {
    throw new DPoPProofError('proof ath does not match the token');
  }
  const thumbprint = await calculateJwkThumbprint(header.jwk, 'sha256');
  if (thumbprint !== jkt) {
    throw new DPoPProofError('proof key is not the key the token is bound to');
  }
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > MAX_JTI_LENGTH) {
    throw new DPoPProofError('proof jti missing');
  }
  // Before the jti is used up: the client sends the same request again with a new proof and the nonce.
  if (nonces && !nonces.accepts(payload.nonce)) {
    throw new DPoPNonceError();
  }
  // Last: only a proof that passed every other check uses up its jti.
  if (!replay.firstUse(payload.jti, payload.iat)) {
    throw new DPoPProofError('proof jti already used');
  }
}

function stripQueryAndFragment(value) {
  try {
    const u = new URL(value);
    return `${u.origin}${u.pathname}`;
  } catch {
    return null;
  }
}
