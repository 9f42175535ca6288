import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, generateKeyPair } from 'jose';
import { createBackend } from '../src/app.js';
import { graphql, startFakeIssuer } from '../testkit/fake-issuer.js';

const COUNTRY = `query Country($code: ID!) {
  country(code: $code) { code name capital currency continent { code name } }
}`;

async function startBackend(issuer, overrides = {}) {
  const lines = [];
  const backend = createBackend(
    {
      port: 0,
      host: '127.0.0.1',
      issuer,
      audience: 'backend',
      requiredScopes: ['backend-api:read'],
      // The token rules, in RFC 6750 Bearer mode; DPoP (the default) is specified in dpop.test.js.
      dpop: false,
      ...overrides,
    },
    { log: (line) => lines.push(line), retryCooldownMs: 0 },
  );
  const url = await backend.start();
  return { backend, url, lines };
}

function base64url(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('countries backend with a valid issuer', () => {
  let issuer;
  let server;

  before(async () => {
    issuer = await startFakeIssuer();
    server = await startBackend(issuer.issuer);
  });

  after(async () => {
    await server.backend.stop();
    await issuer.close();
  });

  const lastLine = () => server.lines.at(-1);

  it('prints the listening line with the real port', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    assert.ok(server.lines.includes(`APOLLO_BACKEND_LISTENING url=${server.url}`));
  });

  it('returns a country by code, case-insensitively', async () => {
    const token = await issuer.token();
    const { status, body } = await graphql(server.url, COUNTRY, { token, variables: { code: 'fr' } });
    assert.equal(status, 200);
    assert.deepEqual(body.data.country, {
      code: 'FR',
      name: 'France',
      capital: 'Paris',
      currency: 'EUR',
      continent: { code: 'EU', name: 'Europe' },
    });
  });

  it('returns null for an unknown country code', async () => {
    const token = await issuer.token();
    const { status, body } = await graphql(server.url, COUNTRY, { token, variables: { code: 'XX' } });
    assert.equal(status, 200);
    assert.equal(body.data.country, null);
  });

  it('lists every country with code, name and continent', async () => {
    const token = await issuer.token();
    const { body } = await graphql(server.url, '{ countries { code name capital currency continent { code } } }', {
      token,
    });
    assert.ok(body.data.countries.length >= 240, `only ${body.data.countries.length} countries`);
    for (const country of body.data.countries) {
      assert.match(country.code, /^[A-Z]{2}$/);
      assert.ok(country.name.length > 0);
      assert.match(country.continent.code, /^(AF|AN|AS|EU|NA|OC|SA)$/);
    }
  });

  it('finds the countries of a continent by code or by name, case-insensitively', async () => {
    const token = await issuer.token();
    const query = 'query($c: String!) { countriesByContinent(continent: $c) { code } }';
    const byCode = await graphql(server.url, query, { token, variables: { c: 'EU' } });
    const byName = await graphql(server.url, query, { token, variables: { c: 'europe' } });
    const lowerCode = await graphql(server.url, query, { token, variables: { c: 'eu' } });
    const codes = byCode.body.data.countriesByContinent.map((c) => c.code);
    assert.ok(codes.includes('FR') && codes.includes('DE') && !codes.includes('US'));
    assert.deepEqual(byName.body.data.countriesByContinent.map((c) => c.code), codes);
    assert.deepEqual(lowerCode.body.data.countriesByContinent.map((c) => c.code), codes);
    const southAmerica = await graphql(server.url, query, { token, variables: { c: 'South America' } });
    assert.ok(southAmerica.body.data.countriesByContinent.some((c) => c.code === 'BR'));
  });

  it('returns an empty list for an unknown continent', async () => {
    const token = await issuer.token();
    const { body } = await graphql(server.url, '{ countriesByContinent(continent: "Atlantis") { code } }', { token });
    assert.deepEqual(body.data.countriesByContinent, []);
  });

  it('lists the european countries, the same as the EU continent', async () => {
    const token = await issuer.token();
    const { body } = await graphql(
      server.url,
      '{ europeanCountries { code } countriesByContinent(continent: "EU") { code } }',
      { token },
    );
    assert.equal(body.data.europeanCountries.length, 52);
    assert.deepEqual(body.data.europeanCountries, body.data.countriesByContinent);
  });

  it('resolves the countries of a continent', async () => {
    const token = await issuer.token();
    const { body } = await graphql(server.url, '{ country(code: "JP") { continent { name countries { code } } } }', {
      token,
    });
    assert.equal(body.data.country.continent.name, 'Asia');
    assert.ok(body.data.country.continent.countries.some((c) => c.code === 'JP'));
  });

  it('accepts an ES256 token', async () => {
    const token = await issuer.token({}, { alg: 'ES256' });
    const { status } = await graphql(server.url, COUNTRY, { token, variables: { code: 'DE' } });
    assert.equal(status, 200);
  });

  it('logs the accepted request with sub, aud, scopes, client and operation name', async () => {
    const token = await issuer.token({
      sub: 'alice',
      aud: ['backend', 'other'],
      scope: 'openid backend-api:read',
      azp: 'countries-mcp',
    });
    await graphql(server.url, COUNTRY, { token, variables: { code: 'DE' }, operationName: 'Country' });
    assert.equal(
      lastLine(),
      'APOLLO_AUDIT outcome=accepted sub=alice aud=backend,other scope="openid backend-api:read" client_id=countries-mcp operation=Country',
    );
  });

  it('names the first root field when the operation is anonymous, and - when no client is known', async () => {
    const token = await issuer.token({ sub: 'bob' });
    await graphql(server.url, '{ europeanCountries { code } }', { token });
    assert.equal(
      lastLine(),
      'APOLLO_AUDIT outcome=accepted sub=bob aud=backend scope="backend-api:read" client_id=- operation=europeanCountries',
    );
  });

  it('takes the client from client_id when azp is absent', async () => {
    const token = await issuer.token({ client_id: 'okta-client' });
    await graphql(server.url, '{ countries { code } }', { token });
    assert.match(lastLine(), / client_id=okta-client operation=countries$/);
  });

  it('accepts the scope in an scp array', async () => {
    const token = await issuer.token({ scope: undefined, scp: ['openid', 'backend-api:read'] });
    const { status } = await graphql(server.url, COUNTRY, { token, variables: { code: 'IT' } });
    assert.equal(status, 200);
    assert.match(lastLine(), / scope="openid backend-api:read" /);
  });

  it('accepts the scope in an scp string', async () => {
    const token = await issuer.token({ scope: undefined, scp: 'backend-api:read' });
    const { status } = await graphql(server.url, COUNTRY, { token, variables: { code: 'IT' } });
    assert.equal(status, 200);
  });

  it('rejects a request without a token with 401 UNAUTHENTICATED and no error attribute', async () => {
    const { status, headers, body } = await graphql(server.url, COUNTRY, { variables: { code: 'FR' } });
    assert.equal(status, 401);
    assert.equal(headers.get('www-authenticate'), 'Bearer');
    assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
    assert.equal(body.errors[0].extensions.http, undefined);
    assert.equal(body.data, undefined);
    assert.equal(lastLine(), 'APOLLO_AUDIT outcome=rejected status=401 reason="missing token" sub=- unverified_aud=-');
  });

  it('treats another authentication scheme as a missing token', async () => {
    const { status, headers } = await graphql(server.url, COUNTRY, {
      variables: { code: 'FR' },
      headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
    });
    assert.equal(status, 401);
    assert.equal(headers.get('www-authenticate'), 'Bearer');
  });

  const rejected = [
    ['a token for another audience', () => issuer.token({ aud: 'mcpserver' }), 'audience mismatch', 'mcpserver'],
    ['a token from another issuer', () => issuer.token({ iss: 'http://127.0.0.1:1/evil' }), 'issuer mismatch', 'backend'],
    [
      'an expired token',
      () => {
        const past = Math.floor(Date.now() / 1000) - 3600;
        return issuer.token({ iat: past - 300, exp: past });
      },
      'token expired',
      'backend',
    ],
    [
      'an unsigned token (alg none)',
      () => {
        const now = Math.floor(Date.now() / 1000);
        const claims = { iss: issuer.issuer, aud: 'backend', sub: 'mallory', scope: 'backend-api:read', exp: now + 300 };
        return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
      },
      'algorithm not allowed',
      'backend',
    ],
    [
      'an HS256 token',
      () => {
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({ iss: issuer.issuer, aud: 'backend', sub: 'mallory', scope: 'backend-api:read', exp: now + 300 })
          .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
          .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough-for-hs256'));
      },
      'algorithm not allowed',
      'backend',
    ],
    [
      'a token signed by a key the issuer does not publish',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return issuer.token({ sub: 'mallory' }, { key: privateKey });
      },
      'invalid signature',
      'backend',
    ],
    ['a token without sub', () => issuer.token({ sub: undefined }), 'missing claim sub', 'backend'],
    ['a token without exp', () => issuer.token({ exp: undefined }), 'missing claim exp', 'backend'],
    ['a token not yet valid', () => issuer.token({ nbf: Math.floor(Date.now() / 1000) + 3600 }), 'token not yet valid', 'backend'],
    ['a malformed token', () => 'not.a.jwt', 'malformed token', '-'],
  ];

  for (const [description, makeToken, reason, unverifiedAud] of rejected) {
    it(`rejects ${description} with 401 invalid_token`, async () => {
      const token = await makeToken();
      const { status, headers, body } = await graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } });
      assert.equal(status, 401);
      assert.equal(headers.get('www-authenticate'), 'Bearer error="invalid_token"');
      assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.equal(body.data, undefined);
      assert.equal(
        lastLine(),
        `APOLLO_AUDIT outcome=rejected status=401 reason="${reason}" sub=- unverified_aud=${unverifiedAud}`,
      );
    });
  }

  it('rejects a token without the required scope with 403 FORBIDDEN', async () => {
    const token = await issuer.token({ sub: 'carol', scope: 'openid mcp:tools:call' });
    const { status, headers, body } = await graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } });
    assert.equal(status, 403);
    assert.equal(headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="backend-api:read"');
    assert.equal(body.errors[0].extensions.code, 'FORBIDDEN');
    assert.equal(body.data, undefined);
    assert.equal(lastLine(), 'APOLLO_AUDIT outcome=rejected status=403 reason="insufficient scope" sub=carol unverified_aud=backend');
  });

  it('names every unverified audience of a rejected token, sanitized', async () => {
    const token = await issuer.token({ aud: ['mcpserver', 'evil aud="x"'], iss: 'http://127.0.0.1:1/evil' });
    const { status } = await graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } });
    assert.equal(status, 401);
    assert.equal(
      lastLine(),
      'APOLLO_AUDIT outcome=rejected status=401 reason="issuer mismatch" sub=- unverified_aud=mcpserver,evil_aud=_x_',
    );
  });

  it('writes unverified_aud=- when the rejected token has no readable audience', async () => {
    const token = await issuer.token({ aud: 42 });
    const { status } = await graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } });
    assert.equal(status, 401);
    assert.match(lastLine(), /^APOLLO_AUDIT outcome=rejected status=401 reason="[^"]+" sub=- unverified_aud=-$/);
  });

  it('does not take a scope that only prefixes the required one', async () => {
    const token = await issuer.token({ scope: 'backend-api:read-all' });
    const { status } = await graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } });
    assert.equal(status, 403);
  });

  it('sanitizes claim values so they cannot forge audit fields', async () => {
    const token = await issuer.token({ sub: 'eve outcome=accepted\nAPOLLO_AUDIT x', azp: 'a"b' });
    await graphql(server.url, '{ countries { code } }', { token });
    assert.equal(
      lastLine(),
      'APOLLO_AUDIT outcome=accepted sub=eve_outcome=accepted_APOLLO_AUDIT_x aud=backend scope="backend-api:read" client_id=a_b operation=countries',
    );
  });

  it('never writes a token into a log line', async () => {
    const tokens = [await issuer.token(), await issuer.token({ aud: 'mcpserver' }), await issuer.token({ scope: 'x' })];
    for (const token of tokens) {
      await graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } });
    }
    for (const token of tokens) {
      const signature = token.split('.')[2];
      assert.ok(!server.lines.some((line) => line.includes(signature) || line.includes(token)));
    }
  });

  it('serves GraphQL over GET as well, after authentication', async () => {
    const token = await issuer.token();
    const response = await fetch(`${server.url}?query=${encodeURIComponent('{ country(code: "ES") { name } }')}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { data: { country: { name: 'Spain' } } });
    assert.match(lastLine(), / operation=country$/);
  });

  it('answers 404 outside /graphql', async () => {
    const token = await issuer.token();
    const response = await fetch(server.url.replace('/graphql', '/other'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ countries { code } }' }),
    });
    assert.equal(response.status, 404);
  });

  it('answers 413 to a body larger than a mebibyte', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ countries { code } } #${'x'.repeat(1024 * 1024)}` }),
    });
    assert.equal(response.status, 413);
  });
});

describe('countries backend discovery', () => {
  it('falls back to RFC 8414 metadata when OpenID discovery is absent', async () => {
    const issuer = await startFakeIssuer({ mode: 'rfc8414' });
    const server = await startBackend(issuer.issuer);
    try {
      const { status } = await graphql(server.url, COUNTRY, { token: await issuer.token(), variables: { code: 'FR' } });
      assert.equal(status, 200);
    } finally {
      await server.backend.stop();
      await issuer.close();
    }
  });

  it('rejects every token when the metadata names another issuer', async () => {
    const issuer = await startFakeIssuer({ mode: 'wrong-issuer' });
    const server = await startBackend(issuer.issuer);
    try {
      const { status, headers } = await graphql(server.url, COUNTRY, {
        token: await issuer.token(),
        variables: { code: 'FR' },
      });
      assert.equal(status, 401);
      assert.equal(headers.get('www-authenticate'), 'Bearer error="invalid_token"');
      assert.ok(server.lines.some((line) => line.startsWith('APOLLO_BACKEND_DISCOVERY_FAILED ')));
      assert.equal(server.lines.at(-1), 'APOLLO_AUDIT outcome=rejected status=401 reason="issuer unavailable" sub=- unverified_aud=backend');
    } finally {
      await server.backend.stop();
      await issuer.close();
    }
  });

  it('keeps running while the issuer is down and accepts tokens once it is back', async () => {
    const issuer = await startFakeIssuer({ mode: 'down' });
    const server = await startBackend(issuer.issuer);
    try {
      const token = await issuer.token();
      const down = await graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } });
      assert.equal(down.status, 401);
      assert.equal(down.body.errors[0].extensions.code, 'UNAUTHENTICATED');

      issuer.setMode('oidc');
      const up = await graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } });
      assert.equal(up.status, 200);
      assert.equal(up.body.data.country.name, 'France');
    } finally {
      await server.backend.stop();
      await issuer.close();
    }
  });

  it('fetches discovery and keys once for many requests', async () => {
    const issuer = await startFakeIssuer();
    const server = await startBackend(issuer.issuer);
    try {
      const token = await issuer.token();
      await Promise.all(
        Array.from({ length: 10 }, () => graphql(server.url, COUNTRY, { token, variables: { code: 'FR' } })),
      );
      assert.deepEqual(issuer.hits, { discovery: 1, jwks: 1 });
    } finally {
      await server.backend.stop();
      await issuer.close();
    }
  });

  it('requires every configured scope and names them all in the challenge', async () => {
    const issuer = await startFakeIssuer();
    const server = await startBackend(issuer.issuer, { requiredScopes: ['countries:read', 'countries:list'] });
    try {
      const both = await issuer.token({ scope: 'countries:list countries:read' });
      const one = await issuer.token({ scope: 'countries:read' });
      assert.equal((await graphql(server.url, COUNTRY, { token: both, variables: { code: 'FR' } })).status, 200);
      const refused = await graphql(server.url, COUNTRY, { token: one, variables: { code: 'FR' } });
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="countries:read countries:list"');
    } finally {
      await server.backend.stop();
      await issuer.close();
    }
  });

  it('uses the configured audience and scope', async () => {
    const issuer = await startFakeIssuer();
    const server = await startBackend(issuer.issuer, { audience: 'countries-api', requiredScopes: ['countries:read'] });
    try {
      const good = await issuer.token({ aud: 'countries-api', scope: 'countries:read' });
      const defaults = await issuer.token();
      assert.equal((await graphql(server.url, COUNTRY, { token: good, variables: { code: 'FR' } })).status, 200);
      assert.equal((await graphql(server.url, COUNTRY, { token: defaults, variables: { code: 'FR' } })).status, 401);
    } finally {
      await server.backend.stop();
      await issuer.close();
    }
  });
});
