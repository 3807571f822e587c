import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, isCanonicalJson } from './canonicalJson.js';
import { ValidationError } from './errors.js';

describe('canonicalJson', () => {
  it('sorts keys recursively and drops whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'é"' }], c: true } }),
      '{"a":{"c":true,"d":[3,{"y":"é\\"","z":null}]},"b":1}',
    );
  });

  it('leaves out undefined members, as JSON does', () => {
    assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
  });

  it('refuses what is not JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [
      NaN,
      Infinity,
      1n,
      () => 1,
      Symbol('x'),
      undefined,
      [undefined],
      cyclic,
      new Date(0),
      new Map(),
    ]) {
      assert.throws(() => canonicalJson(value), ValidationError);
    }
  });

  it('tells canonical from non-canonical text', () => {
    assert.equal(isCanonicalJson('{"a":1,"b":[1,2]}'), true);
    for (const text of [
      '{"b":1,"a":2}',
      '{ "a":1}',
      '{"a":1}\n',
      '{"a":1,"a":1}',
      '{"a":1.0}',
      'nope',
      '',
    ]) {
      assert.equal(isCanonicalJson(text), false, text);
    }
  });
});
