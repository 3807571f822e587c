import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { CID } from 'multiformats/cid';
import { cidFromBytes, cidFromSha256Digest, isCid, parseCid, sha256DigestOfCid } from './cid.js';
import { PayloadTooLargeError, ValidationError } from './errors.js';
import { cidFromStream, createCidHasher, verifyCidOfStream } from './node/cidHasher.js';

// Well-known CIDv1 raw sha2-256 values, as IPFS (`ipfs add --cid-version 1 --raw-leaves`) names them.
const EMPTY_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const HELLO_CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const hello = new TextEncoder().encode('hello');

function chunked(bytes: Uint8Array, size: number): Readable {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

function assertInvalidCid(value: unknown) {
  assert.throws(
    () => parseCid(value),
    (error: unknown) => error instanceof ValidationError && error.code === 'invalid_cid',
    `expected ${inspect(value)} to be refused`,
  );
}

describe('CID', () => {
  it('names bytes with the known vectors', async () => {
    assert.equal(await cidFromBytes(new Uint8Array()), EMPTY_CID);
    assert.equal(await cidFromBytes(hello), HELLO_CID);
  });

  it('names a digest and gives the digest back', () => {
    const digest = createHash('sha256').update(hello).digest();
    assert.equal(cidFromSha256Digest(digest), HELLO_CID);
    assert.deepEqual(Buffer.from(sha256DigestOfCid(HELLO_CID)), digest);
    assert.throws(() => cidFromSha256Digest(new Uint8Array(31)), ValidationError);
  });

  it('hashes a stream incrementally to the same CID as the bytes at once', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const expected = await cidFromBytes(bytes);
    for (const size of [1 << 16, 4093, bytes.length]) {
      const result = await cidFromStream(chunked(bytes, size));
      assert.deepEqual(result, { cid: expected, size: bytes.length });
    }
  });

  it('hashes web ReadableStreams too', async () => {
    const stream = new Blob([hello]).stream();
    assert.equal((await cidFromStream(stream)).cid, HELLO_CID);
  });

  it('refuses a stream over maxBytes', async () => {
    await assert.rejects(
      cidFromStream(chunked(randomBytes(1000), 100), { maxBytes: 999 }),
      PayloadTooLargeError,
    );
    assert.equal(
      (await cidFromStream(chunked(randomBytes(1000), 100), { maxBytes: 1000 })).size,
      1000,
    );
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(cidFromStream(chunked(hello, 1), { signal: controller.signal }), {
      name: 'AbortError',
    });
  });

  it('stops a stalled stream when aborted, and refuses to start when already aborted', async () => {
    const controller = new AbortController();
    const stalled = (async function* () {
      yield hello;
      await new Promise(() => undefined);
    })();
    const pending = cidFromStream(stalled, { signal: controller.signal });
    setImmediate(() => controller.abort(new Error('gave up')));
    await assert.rejects(pending, /gave up/);
    await assert.rejects(cidFromStream(Readable.from([]), { signal: AbortSignal.abort() }), {
      name: 'AbortError',
    });
  });

  it('refuses a maxBytes that is not a non-negative integer', async () => {
    for (const maxBytes of [NaN, -1, 1.5]) {
      await assert.rejects(cidFromStream(chunked(hello, 1), { maxBytes }), RangeError);
    }
  });

  it('refuses chunks that are not bytes', async () => {
    assert.throws(
      () => createCidHasher().update('héllo' as unknown as Uint8Array),
      ValidationError,
    );
    await assert.rejects(
      cidFromStream(Readable.from(['text'], { objectMode: true }) as AsyncIterable<Uint8Array>),
      ValidationError,
    );
  });

  it('the hasher refuses updates after digest', () => {
    const hasher = createCidHasher();
    hasher.update(hello);
    assert.equal(hasher.digest(), HELLO_CID);
    assert.throws(() => hasher.update(hello));
  });

  it('parses valid CIDs', () => {
    assert.equal(parseCid(HELLO_CID), HELLO_CID);
    assert.equal(isCid(EMPTY_CID), true);
  });

  it('refuses path-like and malformed strings', () => {
    for (const value of [
      '',
      '../etc/passwd',
      `${HELLO_CID}/../../x`,
      `/ipfs/${HELLO_CID}`,
      `${HELLO_CID}.mp3`,
      `${HELLO_CID} `,
      ` ${HELLO_CID}`,
      HELLO_CID.toUpperCase(),
      HELLO_CID.slice(0, -1),
      `${HELLO_CID}a`,
      // CIDv0 (dag-pb) and CIDv1 dag-pb name other things than raw blobs.
      'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
      'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
      // Right shape, but the last character carries bits past the digest: not canonical.
      `${HELLO_CID.slice(0, -1)}r`,
      'bafkrei' + '0'.repeat(52),
      'a'.repeat(10_000),
    ]) {
      assertInvalidCid(value);
    }
  });

  it('accepts exactly the strings multiformats parses as canonical CIDv1 raw sha2-256', () => {
    // The oracle: a full multiformats parse, as parseCid once did it.
    const canonical = (value: string) => {
      try {
        const cid = CID.parse(value);
        return (
          cid.version === 1 &&
          cid.code === 0x55 &&
          cid.multihash.code === 0x12 &&
          cid.multihash.size === 32 &&
          cid.toString() === value
        );
      } catch {
        return false;
      }
    };
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const pick = (chars: string) => chars[randomInt(chars.length)]!;
    let valid = 0;
    for (let i = 0; i < 4000; i++) {
      // Random tails, with the first and last characters drawn from the whole alphabet, so both
      // sides of each boundary are tried often.
      let tail = pick(alphabet);
      for (let j = 0; j < 50; j++) tail += pick(alphabet);
      const value = `bafkrei${tail}${pick(alphabet)}`;
      const expected = canonical(value);
      assert.equal(isCid(value), expected, value);
      if (expected) valid++;
    }
    assert.ok(valid > 100 && valid < 3900, `${valid} of 4000 valid: both kinds were tried`);
    for (let i = 0; i < 200; i++) {
      const cid = cidFromSha256Digest(randomBytes(32));
      assert.equal(parseCid(cid), cid);
    }
  });

  it('refuses values of the wrong type', () => {
    for (const value of [null, undefined, 42, {}, [HELLO_CID], hello]) assertInvalidCid(value);
  });

  it('a tampered CID no longer matches the content', async () => {
    // Change one character in the middle: the string is still a well-formed CID, of other bytes.
    const i = 20;
    const tampered =
      HELLO_CID.slice(0, i) + (HELLO_CID[i] === 'a' ? 'b' : 'a') + HELLO_CID.slice(i + 1);
    assert.equal(isCid(tampered), true);
    await assert.rejects(
      verifyCidOfStream(chunked(hello, 2), tampered),
      (error: unknown) => error instanceof ValidationError && error.code === 'cid_mismatch',
    );
    assert.deepEqual(await verifyCidOfStream(chunked(hello, 2), HELLO_CID), {
      cid: HELLO_CID,
      size: 5,
    });
  });
});
