import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { NotFoundError } from '@coliving/protocol';
import { runBlobStoreCompliance } from './compliance.js';
import { openBlobStore } from './openBlobStore.js';
import { withReadCache } from './readCache.js';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function fileStore() {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-read-cache-'));
  dirs.push(dir);
  return openBlobStore(join(dir, 'blobs'));
}

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Waits until the cache holds `blobs` blobs (its loads run in the background). */
async function untilCached(stats: () => { blobs: number }, blobs: number): Promise<void> {
  for (let i = 0; i < 200 && stats().blobs !== blobs; i++)
    await new Promise((r) => setTimeout(r, 5));
  assert.equal(stats().blobs, blobs);
}

// Every read is cached here (a tiny blob limit would leave the suite testing the file store).
runBlobStoreCompliance('file store behind a read cache', async () =>
  withReadCache(await fileStore(), { maxBytes: 64 * 1024 * 1024, maxBlobBytes: 64 * 1024 * 1024 }),
);

describe('withReadCache', () => {
  it('answers readCached at once for a cached blob only, with the range read would give', async () => {
    const store = withReadCache(await fileStore(), { maxBytes: 1 << 20, maxBlobBytes: 1 << 20 });
    const bytes = randomBytes(100_000);
    const { cid } = await store.put(Readable.from([bytes]));
    assert.equal(store.readCached(cid, { start: 0, end: 9 }), undefined, 'not cached yet');
    await bytesOf((await store.read(cid)).body);
    await bytesOf((await store.read(cid)).body);
    await untilCached(store.cacheStats, 1);
    const hit = store.readCached(cid, { start: 500, end: 1499 });
    assert.deepEqual([hit?.size, hit?.start, hit?.end], [100_000, 500, 1499]);
    assert.ok(Buffer.from(hit!.bytes).equals(bytes.subarray(500, 1500)));
    assert.ok(Buffer.from(store.readCached(cid, { suffix: 7 })!.bytes).equals(bytes.subarray(-7)));
    assert.throws(() => store.readCached(cid, { start: 100_000 }), {
      code: 'range_not_satisfiable',
    });
    assert.equal(store.cacheStats().hits, 2);
    await store.close();
  });

  it('loads a blob on its second read and answers ranges from memory', async () => {
    const store = withReadCache(await fileStore(), { maxBytes: 1 << 20, maxBlobBytes: 1 << 20 });
    const bytes = randomBytes(300_000);
    const { cid } = await store.put(Readable.from([bytes]));
    await bytesOf((await store.read(cid, { range: { start: 0, end: 9 } })).body);
    assert.equal(store.cacheStats().blobs, 0, 'one read is not enough');
    await bytesOf((await store.read(cid, { range: { start: 10, end: 19 } })).body);
    await untilCached(store.cacheStats, 1);
    const read = await store.read(cid, { range: { start: 1000, end: 263_143 } });
    assert.deepEqual([read.size, read.start, read.end], [300_000, 1000, 263_143]);
    assert.ok((await bytesOf(read.body)).equals(bytes.subarray(1000, 263_144)));
    assert.equal(store.cacheStats().hits, 1);
    assert.ok(
      (await bytesOf(await store.get(cid, { range: { suffix: 5 } }))).equals(bytes.subarray(-5)),
    );
    assert.deepEqual(await store.head(cid), { cid, size: 300_000 });
    await store.close();
  });

  it('forgets a deleted blob at once, even one still loading', async () => {
    const store = withReadCache(await fileStore(), { maxBytes: 1 << 20, maxBlobBytes: 1 << 20 });
    const { cid } = await store.put(Readable.from([randomBytes(5000)]));
    await bytesOf((await store.read(cid)).body);
    await bytesOf((await store.read(cid)).body);
    await untilCached(store.cacheStats, 1);
    assert.equal(await store.delete(cid), true);
    assert.equal(store.cacheStats().blobs, 0);
    await assert.rejects(store.read(cid), NotFoundError);
    assert.equal(await store.head(cid), undefined);

    // A delete while the load is in flight: the load's result is thrown away.
    const other = await store.put(Readable.from([randomBytes(5000)]));
    await bytesOf((await store.read(other.cid)).body);
    await bytesOf((await store.read(other.cid)).body);
    await store.delete(other.cid);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(store.cacheStats().blobs, 0);
    await assert.rejects(store.read(other.cid), NotFoundError);
    await store.close();
  });

  it('keeps within its byte budget, dropping the least recently read, and skips big blobs', async () => {
    const store = withReadCache(await fileStore(), { maxBytes: 25_000, maxBlobBytes: 12_000 });
    const cids: string[] = [];
    for (const size of [10_000, 10_000, 10_000, 20_000]) {
      cids.push((await store.put(Readable.from([randomBytes(size)]))).cid);
    }
    const readTwice = async (cid: string) => {
      for (let i = 0; i < 2; i++) await bytesOf((await store.read(cid)).body);
    };
    await readTwice(cids[0]!);
    await untilCached(store.cacheStats, 1);
    await readTwice(cids[1]!);
    await untilCached(store.cacheStats, 2);
    await bytesOf((await store.read(cids[0]!)).body); // now the most recently read
    await readTwice(cids[2]!);
    await new Promise((r) => setTimeout(r, 50));
    const stats = store.cacheStats();
    assert.equal(stats.blobs, 2);
    assert.equal(stats.bytes, 20_000);
    await readTwice(cids[3]!); // over maxBlobBytes: never cached
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(store.cacheStats().bytes, 20_000);
    // cids[1] was the least recently read and went; cids[0] stayed.
    const before = store.cacheStats().hits;
    await bytesOf((await store.read(cids[0]!)).body);
    assert.equal(store.cacheStats().hits, before + 1);
    await bytesOf((await store.read(cids[1]!)).body);
    assert.equal(store.cacheStats().hits, before + 1);
    await store.close();
  });

  it('with maxBytes 0 never caches', async () => {
    const store = withReadCache(await fileStore(), { maxBytes: 0, maxBlobBytes: 1 << 20 });
    const { cid } = await store.put(Readable.from([randomBytes(1000)]));
    for (let i = 0; i < 3; i++) await bytesOf((await store.read(cid)).body);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(store.cacheStats(), { blobs: 0, bytes: 0, hits: 0, misses: 3 });
    await store.close();
  });
});
