import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import Hashids from 'hashids';
import { ValidationError } from './errors.js';
import { HASHID_MIN_LENGTH, HASHID_SALT, decodeHashId, encodeHashId, isHashId } from './hashids.js';

// Audius-compatible vectors (docs/design.md §5 and the foundation issue).
const VECTORS: [number, string][] = [
  [1, '7eP5n'],
  [2, 'ML51L'],
  [3, 'lebQD'],
  [44, 'eYorL'],
  [725, 'D7KyD'],
  [12345, 'eP9OR'],
  [1000000, 'YavBm'],
];

function assertInvalidId(value: unknown) {
  assert.throws(
    () => decodeHashId(value),
    (error: unknown) => error instanceof ValidationError && error.code === 'invalid_id',
    `expected ${inspect(value)} to be refused`,
  );
}

describe('hashids', () => {
  it('encodes the Audius vectors', () => {
    for (const [id, hash] of VECTORS) assert.equal(encodeHashId(id), hash);
  });

  it('decodes the Audius vectors', () => {
    for (const [id, hash] of VECTORS) assert.equal(decodeHashId(hash), id);
  });

  it('reads all-digit hashids as hashids, so every id round-trips', () => {
    // 87440 and 88122 have all-digit hashids ("64413" and "07765").
    assert.equal(encodeHashId(87440), '64413');
    assert.equal(decodeHashId('64413'), 87440);
    assert.equal(encodeHashId(88122), '07765');
    assert.equal(decodeHashId('07765'), 88122);
    for (let id = 80_000; id < 100_000; id++) assert.equal(decodeHashId(encodeHashId(id)), id);
  });

  it('round-trips ids across the range', () => {
    for (const id of [1, 9, 10, 99, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) {
      assert.equal(decodeHashId(encodeHashId(id)), id);
    }
  });

  it('accepts plain numeric strings', () => {
    assert.equal(decodeHashId('1'), 1);
    assert.equal(decodeHashId('725'), 725);
    assert.equal(decodeHashId(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
  });

  it('refuses numeric strings that are zero, padded or too large', () => {
    for (const value of ['0', '007', '9007199254740992', '1'.repeat(40)]) assertInvalidId(value);
  });

  it('refuses malformed hashids', () => {
    const multi = new Hashids(HASHID_SALT, HASHID_MIN_LENGTH).encode(1, 2);
    for (const value of [
      '',
      'garbage!!',
      '7eP5',
      '7eP5nn',
      '7EP5N',
      ' 7eP5n',
      '7eP5n ',
      '../7eP5n',
      'a'.repeat(33),
      multi,
      '-1',
      '1.5',
      '1e3',
    ]) {
      assertInvalidId(value);
    }
  });

  it('refuses values of the wrong type', () => {
    for (const value of [1, 1n, null, undefined, {}, [], ['7eP5n'], true]) assertInvalidId(value);
  });

  it('refuses to encode what is not a positive safe integer', () => {
    for (const id of [0, -1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(() => encodeHashId(id), ValidationError);
    }
  });

  it('isHashId agrees with decodeHashId', () => {
    assert.equal(isHashId('7eP5n'), true);
    assert.equal(isHashId('12'), true);
    assert.equal(isHashId('nope!'), false);
  });

  // The codec is our own (one number, tables per lottery character); the hashids library, the
  // reference implementation, checks it here.
  describe('agrees with the hashids library', () => {
    const reference = new Hashids(HASHID_SALT, HASHID_MIN_LENGTH);
    /** What the reference reads `value` as: an id, or undefined. */
    const referenceDecode = (value: string): number | undefined => {
      let decoded: (number | bigint)[];
      try {
        decoded = reference.decode(value);
      } catch {
        return undefined;
      }
      const [first] = decoded;
      return decoded.length === 1 && typeof first === 'number' && first >= 1 ? first : undefined;
    };
    /** What decodeHashId reads a non-numeric `value` as: an id, or undefined. */
    const ours = (value: string): number | undefined => {
      try {
        return decodeHashId(value);
      } catch (error) {
        assert.ok(error instanceof ValidationError);
        return undefined;
      }
    };
    // A fixed-seed generator, so a failure repeats.
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };

    it('encodes every id the same, small and large', () => {
      const ids: number[] = [];
      for (let id = 1; id <= 50_000; id++) ids.push(id);
      for (let i = 0; i < 20_000; i++)
        ids.push(1 + Math.floor(random() * 2 ** (1 + random() * 52)));
      ids.push(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, 2 ** 32, 2 ** 32 - 1);
      for (const id of ids) {
        const hash = reference.encode(id);
        assert.equal(encodeHashId(id), hash, `id ${id}`);
        assert.equal(decodeHashId(hash), id, `hash ${hash}`);
      }
    });

    it('reads every string the same: guards, separators, padding, strays', () => {
      // Characters of each kind (alphabet, guards, separators) and some that are none of them.
      const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890-_!é ';
      let hashes = 0;
      for (let i = 0; i < 200_000; i++) {
        const length = 1 + Math.floor(random() * 9);
        let value = '';
        for (let j = 0; j < length; j++) value += chars[Math.floor(random() * chars.length)];
        if (/^[0-9]+$/.test(value)) continue; // numeric strings have their own rule (above)
        const expected = referenceDecode(value);
        if (expected !== undefined) hashes++;
        assert.equal(ours(value), expected, `"${value}"`);
      }
      // Random strings seldom are hashids; mutate real ones too (one character changed, dropped
      // or added), which is where a lax decoder would accept a second spelling.
      for (let i = 0; i < 50_000; i++) {
        const hash = reference.encode(1 + Math.floor(random() * 2 ** (1 + random() * 40)));
        const at = Math.floor(random() * hash.length);
        const c = chars[Math.floor(random() * 62)]!;
        for (const value of [
          hash.slice(0, at) + c + hash.slice(at + 1),
          hash.slice(0, at) + hash.slice(at + 1),
          hash.slice(0, at) + c + hash.slice(at),
        ]) {
          if (value === '' || /^[0-9]+$/.test(value)) continue;
          const expected = referenceDecode(value);
          if (expected !== undefined) hashes++;
          assert.equal(ours(value), expected, `"${value}" (from "${hash}")`);
        }
      }
      assert.ok(hashes > 1000, `only ${hashes} of the strings were hashids`);
    });
  });
});
