// Hashids by our own codec rather than the hashids library, for speed on the API's hottest route:
// the library decoded in 1.7 µs (two alphabet shuffles and regular expressions a call), about 9 %
// of the JavaScript of serving a kept track, a route at 0.56× hello world against its 0.5× target
// in `npm run bench:api`; this codec decodes in 0.09 µs. The figures are in bench/RESULTS.md. The
// library stays as a dev dependency: the tests check this codec against it.
import { ValidationError } from './errors.js';
import { MAX_ENTITY_ID } from './limits.js';

/** Audius-compatible hashid parameters (docs/design.md §5). */
export const HASHID_SALT = 'azowernasdfoia';
export const HASHID_MIN_LENGTH = 5;

/** The hashids alphabet and separators (the algorithm's defaults, as Audius uses them). */
const BASE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890';
const BASE_SEPARATORS = 'cfhistuCFHISTU';

/** No valid id, hashed or numeric, is longer than this; longer input is refused unread. */
const MAX_ID_STRING_LENGTH = 32;
const NUMERIC = /^[0-9]+$/;

/** hashids' shuffle: a deterministic permutation of `chars` keyed by `key`'s code points. */
function shuffle(chars: readonly string[], key: readonly string[]): string[] {
  const out = [...chars];
  if (key.length === 0) return out;
  let sum = 0;
  for (let i = out.length - 1, v = 0; i > 0; i--, v++) {
    v %= key.length;
    const code = key[v]!.codePointAt(0)!;
    sum += code;
    const j = (code + v + sum) % i;
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const CHAR_NONE = 0;
const CHAR_ALPHABET = 1;
const CHAR_GUARD = 2;
const CHAR_SEPARATOR = 3;

/**
 * The hashids algorithm (hashids.org, v2 of the JavaScript library) for one number at a time,
 * with a salt and a minimum length. The only number-dependent step, the alphabet shuffled for the
 * hash's first ("lottery") character, is computed once per character: decoding a hashid is then
 * a table walk and one encode to check it, where the general library shuffled two alphabets and
 * ran regular expressions on every call (about a tenth of serving a kept track).
 */
class HashidCodec {
  private readonly alphabet: string[];
  private readonly guards: string[];
  /** Per ASCII code: CHAR_NONE, CHAR_ALPHABET, CHAR_GUARD or CHAR_SEPARATOR. */
  private readonly kinds = new Uint8Array(128);
  /**
   * Per lottery character's code: the alphabet a number is written in after it, and each ASCII
   * code's digit in that alphabet (-1: none).
   */
  private readonly lotteries: ({ chars: string[]; digits: Int8Array } | undefined)[] = [];

  constructor(
    private readonly salt: string,
    private readonly minLength: number,
  ) {
    const saltChars = [...salt];
    const unique = [...new Set(BASE_ALPHABET)];
    const separatorChars = [...BASE_SEPARATORS];
    let alphabet = unique.filter((c) => !separatorChars.includes(c));
    const separators = shuffle(
      separatorChars.filter((c) => unique.includes(c)),
      saltChars,
    );
    // Fewer separators than one per 3.5 alphabet characters: take some from the alphabet.
    if (separators.length === 0 || alphabet.length / separators.length > 3.5) {
      const wanted = Math.ceil(alphabet.length / 3.5);
      if (wanted > separators.length) {
        const moved = wanted - separators.length;
        separators.push(...alphabet.slice(0, moved));
        alphabet = alphabet.slice(moved);
      }
    }
    alphabet = shuffle(alphabet, saltChars);
    const guardCount = Math.ceil(alphabet.length / 12);
    let guards: string[];
    if (alphabet.length < 3) {
      guards = separators.splice(0, guardCount);
    } else {
      guards = alphabet.slice(0, guardCount);
      alphabet = alphabet.slice(guardCount);
    }
    this.alphabet = alphabet;
    this.guards = guards;
    for (const [chars, kind] of [
      [alphabet, CHAR_ALPHABET],
      [guards, CHAR_GUARD],
      [separators, CHAR_SEPARATOR],
    ] as const)
      for (const c of chars) this.kinds[c.charCodeAt(0)] = kind;
  }

  /** The alphabet a number is written in after `lottery` (an alphabet character's code). */
  private lotteryAlphabet(lottery: number): { chars: string[]; digits: Int8Array } {
    let entry = this.lotteries[lottery];
    if (!entry) {
      const key = [String.fromCharCode(lottery), ...this.salt, ...this.alphabet];
      const chars = shuffle(this.alphabet, key.slice(0, this.alphabet.length));
      const digits = new Int8Array(128).fill(-1);
      for (const [i, c] of chars.entries()) digits[c.charCodeAt(0)] = i;
      this.lotteries[lottery] = entry = { chars, digits };
    }
    return entry;
  }

  /** The hashid of a non-negative safe integer. */
  encode(id: number): string {
    const remainder = id % 100;
    const lottery = this.alphabet[remainder % this.alphabet.length]!;
    let chars = this.lotteryAlphabet(lottery.charCodeAt(0)).chars;
    const base = chars.length;
    let digits = '';
    let value = id;
    do {
      digits = chars[value % base]! + digits;
      value = Math.floor(value / base);
    } while (value > 0);
    let out = lottery + digits;
    if (out.length < this.minLength) {
      const guards = this.guards;
      out = guards[(remainder + out.charCodeAt(0)) % guards.length]! + out;
      if (out.length < this.minLength)
        out += guards[(remainder + out.charCodeAt(2)) % guards.length]!;
    }
    const half = Math.floor(chars.length / 2);
    while (out.length < this.minLength) {
      chars = shuffle(chars, chars);
      out = chars.slice(half).join('') + out + chars.slice(0, half).join('');
      const excess = out.length - this.minLength;
      if (excess > 0) {
        const start = Math.floor(excess / 2);
        out = out.slice(start, start + this.minLength);
      }
    }
    return out;
  }

  /** The one number `hash` is the hashid of, or undefined when it is not exactly one's. */
  decode(hash: string): number | undefined {
    const kinds = this.kinds;
    // The part between the guards: [pad, guard, it, guard, pad] or [guard, it] or just it.
    let guards = 0;
    let first = -1;
    let second = -1;
    for (let i = 0; i < hash.length; i++) {
      const code = hash.charCodeAt(i);
      const kind = code < 128 ? kinds[code]! : CHAR_NONE;
      if (kind === CHAR_NONE) return undefined;
      if (kind === CHAR_GUARD) {
        guards++;
        if (first < 0) first = i;
        else if (second < 0) second = i;
      }
    }
    let start = 0;
    let end = hash.length;
    if (guards === 1 || guards === 2) {
      start = first + 1;
      end = guards === 2 ? second : hash.length;
    } else if (guards > 2) {
      end = first;
    }
    if (end - start < 1) return undefined;
    const lottery = hash.charCodeAt(start);
    if (kinds[lottery] !== CHAR_ALPHABET) return undefined;
    const { digits } = this.lotteryAlphabet(lottery);
    const base = this.alphabet.length;
    let value = 0;
    for (let i = start + 1; i < end; i++) {
      const digit = digits[hash.charCodeAt(i)]!;
      if (digit < 0) return undefined; // a separator (more than one number) or a stray guard
      value = value * base + digit;
      if (value > Number.MAX_SAFE_INTEGER) return undefined;
    }
    // Only the spelling encode() gives names the number, so each id has one hashid.
    return this.encode(value) === hash ? value : undefined;
  }
}

let codec: HashidCodec | undefined;
/** The codec is built on first use, not at import time. */
function hashids(): HashidCodec {
  codec ??= new HashidCodec(HASHID_SALT, HASHID_MIN_LENGTH);
  return codec;
}

function assertEntityId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ENTITY_ID) {
    throw new ValidationError(`Id must be a positive integer, got ${String(id)}`, {
      code: 'invalid_id',
    });
  }
}

/** Encodes a numeric entity id as its public hashid (`1` -> `"7eP5n"`). */
export function encodeHashId(id: number): string {
  assertEntityId(id);
  return hashids().encode(id);
}

/**
 * Decodes a public id: a hashid (`"7eP5n"`) or a plain numeric string (`"1"`). A string that is a
 * valid hashid is always read as one, even when it is all digits (`"64413"` is the hashid of
 * 87440), so every hashid the API hands out decodes back to its own id; other numeric strings
 * without leading zeros are read as numbers. Anything else is a ValidationError (`invalid_id`).
 */
export function decodeHashId(value: unknown): number {
  if (typeof value !== 'string') {
    throw new ValidationError(`Id must be a string, got ${typeof value}`, { code: 'invalid_id' });
  }
  if (value.length === 0 || value.length > MAX_ID_STRING_LENGTH) {
    throw new ValidationError('Id must be 1 to 32 characters long', { code: 'invalid_id' });
  }
  const hashed = hashids().decode(value);
  if (hashed !== undefined) {
    assertEntityId(hashed);
    return hashed;
  }
  // Leading zeros would give two spellings of one id; refuse them.
  if (NUMERIC.test(value) && String(Number(value)) === value) {
    const id = Number(value);
    assertEntityId(id);
    return id;
  }
  throw new ValidationError(`Invalid id "${value}"`, { code: 'invalid_id' });
}

/** True when `value` decodes as an id. */
export function isHashId(value: unknown): boolean {
  try {
    decodeHashId(value);
    return true;
  } catch {
    return false;
  }
}
