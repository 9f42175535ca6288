import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromEnv } from '../src/app.js';

const ISSUER = 'http://127.0.0.1:8080/backend';

describe('configFromEnv', () => {
  it('defaults to aud backend and the scope backend-api:read', () => {
    const config = configFromEnv({ BACKEND_ISSUER: ISSUER });
    assert.equal(config.audience, 'backend');
    assert.deepEqual(config.requiredScopes, ['backend-api:read']);
  });

  it('reads the audience and every required scope, space- or comma-separated', () => {
    const config = configFromEnv({
      BACKEND_ISSUER: ISSUER,
      BACKEND_AUDIENCE: 'api://countries',
      BACKEND_REQUIRED_SCOPES: 'countries:read, countries:list countries:read',
    });
    assert.equal(config.audience, 'api://countries');
    assert.deepEqual(config.requiredScopes, ['countries:read', 'countries:list']);
  });

  it('reads BACKEND_REQUIRED_SCOPE as an alias of BACKEND_REQUIRED_SCOPES', () => {
    assert.deepEqual(configFromEnv({ BACKEND_ISSUER: ISSUER, BACKEND_REQUIRED_SCOPE: 'x:y' }).requiredScopes, ['x:y']);
  });

  it('refuses both BACKEND_REQUIRED_SCOPES and BACKEND_REQUIRED_SCOPE', () => {
    assert.throws(
      () => configFromEnv({ BACKEND_ISSUER: ISSUER, BACKEND_REQUIRED_SCOPES: 'a', BACKEND_REQUIRED_SCOPE: 'b' }),
      /not both/,
    );
  });

  it('refuses a scope that could break the WWW-Authenticate header', () => {
    assert.throws(() => configFromEnv({ BACKEND_ISSUER: ISSUER, BACKEND_REQUIRED_SCOPES: 'a"b' }), /scope tokens/);
  });

  it('requires DPoP by default, without nonces, checking proofs against the listening URL', () => {
    const config = configFromEnv({ BACKEND_ISSUER: ISSUER });
    assert.equal(config.dpop, true);
    assert.equal(config.dpopNonce, false);
    assert.equal(config.publicUrl, undefined);
  });

  it('reads BACKEND_DPOP, BACKEND_DPOP_NONCE and BACKEND_PUBLIC_URL', () => {
    const config = configFromEnv({
      BACKEND_ISSUER: ISSUER,
      BACKEND_DPOP: 'off',
      BACKEND_DPOP_NONCE: 'required',
      BACKEND_PUBLIC_URL: 'https://api.example.com/graphql',
    });
    assert.equal(config.dpop, false);
    assert.equal(config.dpopNonce, true);
    assert.equal(config.publicUrl, 'https://api.example.com/graphql');
  });

  it('refuses other DPoP settings and a public URL with a query', () => {
    assert.throws(() => configFromEnv({ BACKEND_ISSUER: ISSUER, BACKEND_DPOP: 'maybe' }), /BACKEND_DPOP must be/);
    assert.throws(() => configFromEnv({ BACKEND_ISSUER: ISSUER, BACKEND_DPOP_NONCE: 'yes' }), /BACKEND_DPOP_NONCE/);
    assert.throws(
      () => configFromEnv({ BACKEND_ISSUER: ISSUER, BACKEND_PUBLIC_URL: 'https://a.example/graphql?x=1' }),
      /BACKEND_PUBLIC_URL/,
    );
  });

  it('treats blank variables as unset', () => {
    const config = configFromEnv({ BACKEND_ISSUER: '  ', BACKEND_AUDIENCE: ' ', BACKEND_REQUIRED_SCOPES: '', HOST: '' });
    assert.equal(config.issuer, undefined);
    assert.equal(config.audience, 'backend');
    assert.deepEqual(config.requiredScopes, ['backend-api:read']);
    assert.equal(config.host, '127.0.0.1');
  });
});
