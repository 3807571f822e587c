import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '@coliving/protocol';
import { runBlobStoreCompliance } from './compliance.js';
import { openBlobStore } from './openBlobStore.js';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-blobs-'));
  dirs.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

runBlobStoreCompliance('file://', async () => openBlobStore(pathToFileURL(await freshDir()).href));

describe('file:// specifics', () => {
  it('shards blobs into two directory levels named from the CID', async () => {
    const dir = await freshDir();
    const store = await openBlobStore(pathToFileURL(dir).href);
    const { cid } = await store.put(Readable.from([randomBytes(100)]));
    assert.deepEqual(await readdir(join(dir, cid.slice(-4, -2), cid.slice(-2))), [cid]);
    assert.deepEqual(await readdir(join(dir, '.tmp')), [], 'no temporary file is left');
  });

  it('clears temporary files a crashed writer left, and never lists them', async () => {
    const dir = await freshDir();
    await mkdir(join(dir, '.tmp'), { recursive: true });
    await writeFile(join(dir, '.tmp', 'half-written'), randomBytes(10));
    const store = await openBlobStore(dir);
    assert.deepEqual(await readdir(join(dir, '.tmp')), []);
    const listed: string[] = [];
    for await (const cid of store.list()) listed.push(cid);
    assert.deepEqual(listed, []);
  });

  it('keeps a bounded number of blob files open, and closes them all on close', async () => {
    const openFds = async () => (await readdir('/proc/self/fd')).length;
    const baseline = await openFds();
    const store = await openBlobStore(await freshDir());
    const blobs = await Promise.all(
      Array.from({ length: 300 }, async () => {
        const bytes = randomBytes(64);
        return { bytes, cid: (await store.put(Readable.from([bytes]))).cid };
      }),
    );
    for (const { cid, bytes } of blobs) {
      const chunks: Buffer[] = [];
      for await (const chunk of (await store.read(cid)).body) chunks.push(Buffer.from(chunk));
      assert.ok(Buffer.concat(chunks).equals(bytes));
    }
    const held = (await openFds()) - baseline;
    assert.ok(held <= 256 + 8, `${held} files held open`);
    // The first blob was closed to make room, and opens again.
    const again = await store.read(blobs[0]!.cid, { range: { start: 10, end: 19 } });
    for await (const chunk of again.body)
      assert.ok(Buffer.from(chunk).equals(blobs[0]!.bytes.subarray(10, 20)));
    await store.close();
    // Closing is asynchronous underneath; give the handles a moment to go.
    for (let i = 0; i < 50 && (await openFds()) > baseline; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(await openFds(), baseline);
  });

  it('refuses URLs it cannot open', async () => {
    for (const url of ['ftp://host/x', 'http://user:pw@host/x']) {
      await assert.rejects(openBlobStore(url), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.code, 'invalid_storage_url');
        assert.ok(!error.message.includes('pw'));
        return true;
      });
    }
  });
});
