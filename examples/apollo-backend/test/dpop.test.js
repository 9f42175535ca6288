import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { createBackend } from '../src/app.js';
import { accessTokenHash, createNonceSource, createReplayCache } from '../src/dpop.js';
import { startFakeIssuer } from '../testkit/fake-issuer.js';

const QUERY = '{ country(code: "FR") { name } }';

/** A DPoP key as the MCP server's exchanger holds one, and proofs made with it. */
async function dpopKey(alg = 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    jwk,
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
    /** A proof; `header` and `claims` override the defaults, undefined leaves a claim out. */
    async proof({ htm = 'POST', htu, token, header = {}, claims = {}, signWith = privateKey } = {}) {
      const payload = {
        jti: crypto.randomUUID(),
        htm,
        htu,
        iat: Math.floor(Date.now() / 1000),
        ...(token ? { ath: accessTokenHash(token) } : {}),
        ...claims,
      };
      for (const name of Object.keys(payload)) {
        if (payload[name] === undefined) {
          delete payload[name];
        }
      }
      return new SignJWT(payload).setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...header }).sign(signWith);
    },
  };
}

/** POSTs the query with headers given as a flat [name, value, ...] list, in which a header may repeat. */
function post(url, headers) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: QUERY });
    const request = http.request(url, { method: 'POST' });
    request.setHeader('content-type', 'application/json');
    request.setHeader('content-length', String(Buffer.byteLength(body)));
    const byName = new Map();
    for (let i = 0; i < headers.length; i += 2) {
      byName.set(headers[i], [...(byName.get(headers[i]) ?? []), headers[i + 1]]);
    }
    // An array value goes out as one header line per value.
    byName.forEach((values, name) => request.setHeader(name, values.length === 1 ? values[0] : values));
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('countries backend requiring DPoP (RFC 9449)', () => {
  let issuer;
  let backend;
  let url;
  let key;
  const lines = [];

  before(async () => {
    issuer = await startFakeIssuer();
    backend = createBackend(
      { port: 0, host: '127.0.0.1', issuer: issuer.issuer, audience: 'backend', requiredScopes: ['backend-api:read'] },
      { log: (line) => lines.push(line), retryCooldownMs: 0 },
    );
    url = await backend.start();
    key = await dpopKey();
  });

  after(async () => {
    await backend.stop();
    await issuer.close();
  });

  const boundToken = (claims = {}) => issuer.token({ cnf: { jkt: key.jkt }, ...claims });
  const send = async (token, proofs) => post(url, ['authorization', `DPoP ${token}`, ...proofs.flatMap((p) => ['dpop', p])]);
  const lastLine = () => lines.at(-1);

  it('accepts a DPoP-bound token with a valid proof', async () => {
    const token = await boundToken();
    const response = await send(token, [await key.proof({ htu: url, token })]);
    assert.equal(response.status, 200);
    assert.match(response.text, /France/);
    assert.match(lastLine(), /outcome=accepted/);
  });

  it('accepts RS256 and PS256 proofs', async () => {
    for (const alg of ['RS256', 'PS256']) {
      const rsa = await dpopKey(alg);
      const token = await issuer.token({ cnf: { jkt: rsa.jkt } });
      const response = await send(token, [await rsa.proof({ htu: url, token })]);
      assert.equal(response.status, 200, alg);
    }
  });

  it('refuses the same token sent as Bearer, as a stolen token would be', async () => {
    const token = await boundToken();
    const response = await post(url, ['authorization', `Bearer ${token}`]);
    assert.equal(response.status, 401);
    assert.match(response.headers['www-authenticate'], /^DPoP algs="ES256 RS256 PS256"$/);
    assert.doesNotMatch(lastLine(), new RegExp(token));
  });

  it('refuses a DPoP token without a proof', async () => {
    const response = await send(await boundToken(), []);
    assert.equal(response.status, 401);
    assert.match(response.headers['www-authenticate'], /error="invalid_dpop_proof"/);
    assert.match(lastLine(), /DPoP proof missing/);
  });

  it('refuses a DPoP header sent twice', async () => {
    const token = await boundToken();
    const response = await send(token, [await key.proof({ htu: url, token }), await key.proof({ htu: url, token })]);
    assert.equal(response.status, 401);
    assert.match(lastLine(), /several DPoP proofs/);
  });

  it('refuses a replayed proof (jti used once)', async () => {
    const token = await boundToken();
    const proof = await key.proof({ htu: url, token });
    assert.equal((await send(token, [proof])).status, 200);
    const replay = await send(token, [proof]);
    assert.equal(replay.status, 401);
    assert.match(lastLine(), /jti already used/);
  });

  it('refuses a proof for another URL or method', async () => {
    const token = await boundToken();
    const otherUrl = await send(token, [await key.proof({ htu: 'http://127.0.0.1:1/graphql', token })]);
    assert.equal(otherUrl.status, 401);
    assert.match(lastLine(), /htu does not match/);
    const otherMethod = await send(token, [await key.proof({ htm: 'GET', htu: url, token })]);
    assert.equal(otherMethod.status, 401);
    assert.match(lastLine(), /htm does not match/);
  });

  it('refuses a proof whose ath is another token\'s', async () => {
    const token = await boundToken();
    const response = await send(token, [await key.proof({ htu: url, token: await boundToken({ sub: 'bob' }) })]);
    assert.equal(response.status, 401);
    assert.match(lastLine(), /ath does not match/);
  });

  it('refuses a proof signed by another key than the token is bound to', async () => {
    const token = await boundToken();
    const thief = await dpopKey();
    const response = await send(token, [await thief.proof({ htu: url, token })]);
    assert.equal(response.status, 401);
    assert.match(lastLine(), /not the key the token is bound to/);
  });

  it('refuses a proof whose signature is not by its embedded key', async () => {
    const token = await boundToken();
    const other = await generateKeyPair('ES256');
    const response = await send(token, [await key.proof({ htu: url, token, signWith: other.privateKey })]);
    assert.equal(response.status, 401);
    assert.match(lastLine(), /invalid proof signature/);
  });

  it('refuses alg none and HMAC proofs', async () => {
    const token = await boundToken();
    const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = { jti: 'n-1', htm: 'POST', htu: url, iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(token) };
    const none = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })}.${b64(claims)}.`;
    assert.equal((await send(token, [none])).status, 401);
    assert.match(lastLine(), /algorithm not allowed/);
    const hmac = await new SignJWT({ ...claims, jti: 'h-1' })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk })
      .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
    assert.equal((await send(token, [hmac])).status, 401);
    assert.match(lastLine(), /algorithm not allowed/);
  });

  it('refuses a proof without typ dpop+jwt', async () => {
    const token = await boundToken();
    const response = await send(token, [await key.proof({ htu: url, token, header: { typ: 'JWT' } })]);
    assert.equal(response.status, 401);
  });

  it('refuses proofs from the future or too old', async () => {
    const token = await boundToken();
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await send(token, [await key.proof({ htu: url, token, claims: { iat: now + 300 } })])).status, 401);
    assert.match(lastLine(), /from the future/);
    assert.equal((await send(token, [await key.proof({ htu: url, token, claims: { iat: now - 300 } })])).status, 401);
    assert.match(lastLine(), /too old/);
  });

  it('refuses a token that is not DPoP-bound even with a valid proof', async () => {
    const token = await issuer.token();
    const response = await send(token, [await key.proof({ htu: url, token })]);
    assert.equal(response.status, 401);
    assert.match(response.headers['www-authenticate'], /^DPoP error="invalid_token"/);
    assert.match(lastLine(), /token not DPoP-bound/);
  });

  it('never writes a token or proof into its lines', async () => {
    const token = await boundToken();
    const proof = await key.proof({ htu: url, token });
    await send(token, [proof]);
    await send(token, [proof]);
    assert.ok(lines.every((line) => !line.includes(token) && !line.includes(proof.split('.')[2])));
  });
});

describe('countries backend requiring DPoP nonces (RFC 9449 §9)', () => {
  let issuer;
  let backend;
  let url;
  let key;
  const lines = [];

  before(async () => {
    issuer = await startFakeIssuer();
    backend = createBackend(
      {
        port: 0,
        host: '127.0.0.1',
        issuer: issuer.issuer,
        audience: 'backend',
        requiredScopes: ['backend-api:read'],
        dpopNonce: true,
      },
      { log: (line) => lines.push(line), retryCooldownMs: 0 },
    );
    url = await backend.start();
    key = await dpopKey();
  });

  after(async () => {
    await backend.stop();
    await issuer.close();
  });

  const send = async (token, proof) => post(url, ['authorization', `DPoP ${token}`, 'dpop', proof]);

  it('answers a proof without the nonce with use_dpop_nonce and the nonce, then accepts it with the nonce', async () => {
    const token = await issuer.token({ cnf: { jkt: key.jkt } });
    const first = await send(token, await key.proof({ htu: url, token }));
    assert.equal(first.status, 401);
    assert.match(first.headers['www-authenticate'], /^DPoP error="use_dpop_nonce"/);
    const nonce = first.headers['dpop-nonce'];
    assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(lines.at(-1), 'APOLLO_DPOP_NONCE status=401 error=use_dpop_nonce');

    const second = await send(token, await key.proof({ htu: url, token, claims: { nonce } }));
    assert.equal(second.status, 200);
    assert.equal(second.headers['dpop-nonce'], nonce);
    assert.match(lines.at(-1), /outcome=accepted/);
  });

  it('answers a proof with a made-up nonce with the real one', async () => {
    const token = await issuer.token({ cnf: { jkt: key.jkt } });
    const response = await send(token, await key.proof({ htu: url, token, claims: { nonce: 'made-up' } }));
    assert.equal(response.status, 401);
    assert.match(response.headers['www-authenticate'], /use_dpop_nonce/);
    assert.ok(response.headers['dpop-nonce']);
  });

  it('still refuses a bad proof as invalid_dpop_proof, nonce or not', async () => {
    const token = await issuer.token({ cnf: { jkt: key.jkt } });
    const thief = await dpopKey();
    const response = await send(token, await thief.proof({ htu: url, token }));
    assert.equal(response.status, 401);
    assert.match(response.headers['www-authenticate'], /invalid_dpop_proof/);
  });
});

describe('the nonce source', () => {
  it('replaces its nonce after its lifetime and still accepts the one before', () => {
    let now = 0;
    const nonces = createNonceSource({ lifetimeMs: 1000, now: () => now });
    const first = nonces.current();
    now = 1500;
    const second = nonces.current();
    assert.notEqual(second, first);
    assert.equal(nonces.accepts(first), true);
    assert.equal(nonces.accepts(second), true);
    now = 3000;
    nonces.current();
    assert.equal(nonces.accepts(first), false);
    assert.equal(nonces.accepts(undefined), false);
  });
});

describe('the jti replay memory', () => {
  it('forgets a jti once its proof could no longer pass, and is bounded', () => {
    let now = 1_000_000;
    const cache = createReplayCache({ maxEntries: 2, now: () => now });
    assert.equal(cache.firstUse('a', now / 1000), true);
    assert.equal(cache.firstUse('a', now / 1000), false);
    assert.equal(cache.firstUse('b', now / 1000), true);
    assert.equal(cache.firstUse('c', now / 1000), false, 'full: refused, never an old jti forgotten early');
    now += 121_000;
    assert.equal(cache.firstUse('c', now / 1000), true);
    assert.equal(cache.size, 1);
  });
});
