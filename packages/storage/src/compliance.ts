// One behaviour suite that every BlobStore driver must pass (STYLE.md: one compliance suite per
// interface). A driver's test file calls runBlobStoreCompliance with a factory for fresh stores.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  NotFoundError,
  PayloadTooLargeError,
  RangeNotSatisfiableError,
  ValidationError,
  cidFromBytes,
} from '@coliving/protocol';
import type { BlobStore, ByteRange } from './blobStore.js';

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A stream of `bytes` in chunks of `size`. */
function chunks(bytes: Uint8Array, size = 64 * 1024): AsyncIterable<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function* failingAfter(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
  throw new Error('connection reset');
}

async function listAll(store: BlobStore): Promise<string[]> {
  const out: string[] = [];
  for await (const cid of store.list()) out.push(cid);
  return out.sort();
}

const BAD_CIDS = [
  '../../etc/passwd',
  'bafkrei',
  'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
  '',
];

/** Runs the BlobStore behaviour suite against stores made by `create` (each test gets a fresh one). */
export function runBlobStoreCompliance(name: string, create: () => Promise<BlobStore>): void {
  describe(`BlobStore compliance: ${name}`, () => {
    let store: BlobStore;
    before(async () => {
      store = await create();
    });
    after(async () => {
      await store?.close();
    });

    it('stores a stream under its CID and reads it back whole', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 123);
      const expected = await cidFromBytes(bytes);
      assert.deepEqual(await store.put(chunks(bytes)), { cid: expected, size: bytes.length });
      assert.deepEqual(await store.head(expected), { cid: expected, size: bytes.length });
      assert.ok((await bytesOf(await store.get(expected))).equals(bytes));
    });

    it('serves exact byte ranges, clipping an end past the last byte', async () => {
      const bytes = randomBytes(10_000);
      const { cid } = await store.put(chunks(bytes, 777));
      const ranges: [number, number | undefined, number, number][] = [
        [0, 0, 0, 0],
        [0, 9_999, 0, 9_999],
        [1234, 5678, 1234, 5678],
        [9_999, undefined, 9_999, 9_999],
        [5_000, 20_000, 5_000, 9_999],
      ];
      for (const [start, end, from, to] of ranges) {
        const got = await bytesOf(await store.get(cid, { range: { start, end } }));
        assert.ok(got.equals(bytes.subarray(from, to + 1)), `range ${start}-${end}`);
      }
    });

    it('refuses a range starting past the end (416) and malformed ranges', async () => {
      const { cid } = await store.put(chunks(randomBytes(100)));
      await assert.rejects(store.get(cid, { range: { start: 100 } }), (error: unknown) => {
        assert.ok(error instanceof RangeNotSatisfiableError);
        assert.equal(error.size, 100);
        return true;
      });
      for (const range of [{ start: -1 }, { start: 5, end: 4 }, { start: 1.5 }]) {
        await assert.rejects(store.get(cid, { range }), ValidationError);
      }
    });

    it('opens a range in one step with the size, suffix ranges included', async () => {
      const bytes = randomBytes(10_000);
      const { cid } = await store.put(chunks(bytes, 999));
      const cases: [ByteRange | undefined, number, number][] = [
        [undefined, 0, 9_999],
        [{ start: 1234, end: 5678 }, 1234, 5678],
        [{ start: 9_000 }, 9_000, 9_999],
        [{ start: 5_000, end: 20_000 }, 5_000, 9_999],
        [{ suffix: 100 }, 9_900, 9_999],
        [{ suffix: 50_000 }, 0, 9_999],
      ];
      for (const [range, start, end] of cases) {
        const read = await store.read(cid, { range });
        assert.deepEqual(
          { size: read.size, start: read.start, end: read.end },
          { size: 10_000, start, end },
          JSON.stringify(range),
        );
        assert.ok((await bytesOf(read.body)).equals(bytes.subarray(start, end + 1)));
      }
      // Many reads of one blob at once (a player's ranges, or many listeners).
      const reads = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.read(cid, { range: { start: i * 200, end: i * 200 + 199 } }),
        ),
      );
      for (const [i, read] of reads.entries()) {
        assert.ok((await bytesOf(read.body)).equals(bytes.subarray(i * 200, i * 200 + 200)));
      }
      await assert.rejects(store.read(cid, { range: { start: 10_000 } }), RangeNotSatisfiableError);
      await assert.rejects(store.read(cid, { range: { suffix: 0 } }), ValidationError);
      await assert.rejects(store.read(await cidFromBytes(randomBytes(8)), {}), NotFoundError);
      await assert.rejects(store.read('../../etc/passwd'), ValidationError);
      const empty = await store.put(chunks(new Uint8Array()));
      await assert.rejects(
        store.read(empty.cid, { range: { suffix: 1 } }),
        RangeNotSatisfiableError,
      );
    });

    it('stops reading a deleted blob, even one read a moment ago', async () => {
      const bytes = randomBytes(4096);
      const { cid } = await store.put(chunks(bytes));
      const read = await store.read(cid, { range: { start: 0, end: 99 } });
      assert.ok((await bytesOf(read.body)).equals(bytes.subarray(0, 100)));
      assert.equal(await store.delete(cid), true);
      await assert.rejects(store.read(cid), NotFoundError);
      await assert.rejects(store.get(cid), NotFoundError);
      // And a blob stored again is served again.
      await store.put(chunks(bytes));
      assert.ok((await bytesOf((await store.read(cid)).body)).equals(bytes));
    });

    it('stores and reads an empty blob', async () => {
      const { cid, size } = await store.put(chunks(new Uint8Array()));
      assert.equal(cid, await cidFromBytes(new Uint8Array()));
      assert.equal(size, 0);
      assert.equal((await bytesOf(await store.get(cid))).length, 0);
    });

    it('is idempotent: the same bytes twice make one blob', async () => {
      const bytes = randomBytes(5000);
      const [a, b] = await Promise.all([store.put(chunks(bytes)), store.put(chunks(bytes, 100))]);
      assert.deepEqual(a, b);
      assert.equal((await listAll(store)).filter((c) => c === a.cid).length, 1);
      assert.ok((await bytesOf(await store.get(a.cid))).equals(bytes));
    });

    it('stages a stream as a file that is stored only on commit', async () => {
      const bytes = randomBytes(70_000);
      const staged = await store.stage(chunks(bytes, 3000));
      assert.deepEqual(
        { cid: staged.cid, size: staged.size },
        { cid: await cidFromBytes(bytes), size: bytes.length },
      );
      assert.ok((await readFile(staged.path)).equals(bytes));
      assert.equal(await store.head(staged.cid), undefined, 'nothing is visible before commit');
      await staged.commit();
      assert.deepEqual(await store.head(staged.cid), { cid: staged.cid, size: bytes.length });
      assert.ok((await bytesOf(await store.get(staged.cid))).equals(bytes));
      assert.equal(await stat(staged.path).catch(() => undefined), undefined, 'the file is gone');
      await assert.rejects(staged.commit(), /already committed/);
      await staged.discard();
      assert.ok(await store.head(staged.cid), 'a late discard keeps the committed blob');
    });

    it('keeps nothing of a discarded stage, and commits a stage of bytes it holds already', async () => {
      const bytes = randomBytes(1000);
      const before = await listAll(store);
      const dropped = await store.stage(chunks(bytes));
      await dropped.discard();
      assert.equal(await stat(dropped.path).catch(() => undefined), undefined);
      assert.deepEqual(await listAll(store), before);
      const { cid } = await store.put(chunks(bytes));
      const again = await store.stage(chunks(bytes, 10));
      await again.commit();
      assert.ok((await bytesOf(await store.get(cid))).equals(bytes));
    });

    it('refuses to stage bytes that break expectedCid or maxBytes, and keeps nothing', async () => {
      const bytes = randomBytes(3000);
      const before = await listAll(store);
      await assert.rejects(
        store.stage(chunks(bytes), { expectedCid: await cidFromBytes(randomBytes(3)) }),
        (error: unknown) => error instanceof ValidationError && error.code === 'cid_mismatch',
      );
      await assert.rejects(store.stage(chunks(bytes), { maxBytes: 2999 }), PayloadTooLargeError);
      await assert.rejects(store.stage(failingAfter(bytes)), /connection reset/);
      assert.deepEqual(await listAll(store), before);
    });

    it('refuses bytes that do not match the expected CID and keeps nothing', async () => {
      const bytes = randomBytes(2000);
      const other = await cidFromBytes(randomBytes(10));
      const before = await listAll(store);
      await assert.rejects(store.put(chunks(bytes), { expectedCid: other }), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.code, 'cid_mismatch');
        return true;
      });
      assert.deepEqual(await listAll(store), before);
      assert.equal(await store.head(await cidFromBytes(bytes)), undefined);
      assert.equal(await store.head(other), undefined);
      const ok = await store.put(chunks(bytes), { expectedCid: await cidFromBytes(bytes) });
      assert.equal(ok.size, 2000);
    });

    it('refuses a stream over maxBytes and keeps nothing', async () => {
      const bytes = randomBytes(50_000);
      const before = await listAll(store);
      await assert.rejects(
        store.put(chunks(bytes, 1000), { maxBytes: 49_999 }),
        PayloadTooLargeError,
      );
      assert.deepEqual(await listAll(store), before);
      assert.equal((await store.put(chunks(bytes, 1000), { maxBytes: 50_000 })).size, 50_000);
    });

    it('keeps nothing when the source fails midway', async () => {
      const bytes = randomBytes(4096);
      const before = await listAll(store);
      await assert.rejects(store.put(failingAfter(bytes)), /connection reset/);
      assert.deepEqual(await listAll(store), before);
    });

    it('stops when aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(store.put(chunks(randomBytes(10)), { signal: controller.signal }), {
        name: 'AbortError',
      });
    });

    it('answers absent blobs: NotFoundError, undefined, false', async () => {
      const absent = await cidFromBytes(randomBytes(32));
      await assert.rejects(store.get(absent), NotFoundError);
      assert.equal(await store.head(absent), undefined);
      assert.equal(await store.delete(absent), false);
    });

    it('refuses anything that is not a CID, paths included', async () => {
      for (const bad of BAD_CIDS) {
        await assert.rejects(store.get(bad), ValidationError, bad);
        await assert.rejects(store.head(bad), ValidationError, bad);
        await assert.rejects(store.delete(bad), ValidationError, bad);
        await assert.rejects(
          store.put(chunks(randomBytes(1)), { expectedCid: bad }),
          ValidationError,
          bad,
        );
      }
    });

    it('lists every blob and deletes', async () => {
      const cids = await Promise.all(
        [1, 2, 3].map(async () => (await store.put(chunks(randomBytes(64)))).cid),
      );
      const listed = await listAll(store);
      for (const cid of cids) assert.ok(listed.includes(cid));
      assert.equal(await store.delete(cids[0]!), true);
      assert.equal(await store.head(cids[0]!), undefined);
      assert.ok(!(await listAll(store)).includes(cids[0]!));
      await assert.rejects(store.get(cids[0]!), NotFoundError);
    });
  });
}
