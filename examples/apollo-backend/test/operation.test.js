import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operationOf } from '../src/app.js';

describe('operationOf', () => {
  it('prefers the operationName of the request', () => {
    assert.equal(operationOf({ operationName: 'Lookup', query: '{ countries { code } }' }), 'Lookup');
  });

  it('names the first root field of an anonymous operation', () => {
    assert.equal(operationOf({ query: '{ countriesByContinent(continent: "EU") { code } countries { code } }' }), 'countriesByContinent');
  });

  it('follows inline fragments and fragment spreads to the first root field', () => {
    const query = 'fragment F on Query { europeanCountries { code } } query { ... on Query { ...F } }';
    assert.equal(operationOf({ query }), 'europeanCountries');
  });

  it('gives null for a cyclic fragment, an unparsable query or a missing body', () => {
    assert.equal(operationOf({ query: 'fragment F on Query { ...F } query { ...F }' }), null);
    assert.equal(operationOf({ query: '{' }), null);
    assert.equal(operationOf(undefined), null);
    assert.equal(operationOf([{ query: '{ countries { code } }' }]), null);
  });
});
