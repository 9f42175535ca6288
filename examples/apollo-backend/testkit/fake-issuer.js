// Test support: an in-process authorization server that serves discovery metadata and a
// JWKS on 127.0.0.1, and signs tokens with its keys. Not a test file itself.
import http from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

/**
 * Starts the fake issuer. `mode` decides what discovery answers:
 * - `oidc`: OpenID Connect Discovery and RFC 8414 metadata (default);
 * - `rfc8414`: only the RFC 8414 path-inserted metadata;
 * - `down`: HTTP 503 for everything;
 * - `wrong-issuer`: metadata naming another issuer.
 * The mode can be changed while running with `setMode`.
 */
export async function startFakeIssuer({ path = '/backend', mode = 'oidc' } = {}) {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  let currentMode = mode;
  const hits = { discovery: 0, jwks: 0 };
  let base;

  const server = http.createServer((req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const issuer = `${base}${path}`;
    const metadata = {
      issuer: currentMode === 'wrong-issuer' ? `${base}/someone-else` : issuer,
      jwks_uri: `${issuer}/jwks`,
      token_endpoint: `${issuer}/token`,
    };
    if (currentMode === 'down') {
      send(503, { error: 'temporarily_unavailable' });
      return;
    }
    if (req.url === `${path}/.well-known/openid-configuration` && currentMode !== 'rfc8414') {
      hits.discovery += 1;
      send(200, metadata);
    } else if (req.url === `/.well-known/oauth-authorization-server${path}`) {
      hits.discovery += 1;
      send(200, metadata);
    } else if (req.url === `${path}/jwks`) {
      hits.jwks += 1;
      send(200, { keys });
    } else {
      send(404, { error: 'not_found' });
    }
  });
  await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  const issuer = `${base}${path}`;

  return {
    issuer,
    hits,
    setMode(next) {
      currentMode = next;
    },
    /**
     * Signs a token. Defaults: RS256, this issuer, aud `backend`, sub `alice`,
     * scope `backend-api:read`, valid for five minutes. A claim set to undefined is left out.
     */
    async token(claims = {}, { alg = 'RS256', key, kid } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: issuer,
        aud: 'backend',
        sub: 'alice',
        scope: 'backend-api:read',
        iat: now,
        exp: now + 300,
        ...claims,
      };
      for (const name of Object.keys(payload)) {
        if (payload[name] === undefined) {
          delete payload[name];
        }
      }
      const signingKey = key ?? (alg.startsWith('ES') ? ec.privateKey : rsa.privateKey);
      const keyId = kid ?? (alg.startsWith('ES') ? 'ec-1' : 'rsa-1');
      return new SignJWT(payload).setProtectedHeader({ alg, kid: keyId, typ: 'JWT' }).sign(signingKey);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Sends a GraphQL POST and returns status, headers and parsed body. */
export async function graphql(url, query, { token, variables, operationName, headers = {} } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables, operationName }),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}
