import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NotFoundError, type UploadRecord, ValidationError } from '@coliving/protocol';
import { UploadStore, newUploadId } from './uploadStore.js';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function freshStore() {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-uploads-'));
  dirs.push(dir);
  return { dir, store: await UploadStore.open(dir) };
}

function record(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return {
    id: newUploadId(),
    template: 'audio',
    wallet: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    host: 'http://127.0.0.1:4001',
    status: 'new',
    origFileName: 'song.wav',
    origFileCid: 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq',
    size: 5,
    results: {},
    attempts: 0,
    createdAt: '2026-11-24T00:00:00.000Z',
    updatedAt: '2026-11-24T00:00:00.000Z',
    ...overrides,
  };
}

describe('UploadStore', () => {
  it('writes and reads records whole, and lists them', async () => {
    const { store } = await freshStore();
    const a = record();
    const b = record({ status: 'done', results: { '320': a.origFileCid } });
    await store.put(a);
    await store.put(b);
    assert.deepEqual(await store.get(a.id), a);
    const listed: UploadRecord[] = [];
    for await (const r of store.list()) listed.push(r);
    assert.deepEqual(listed.map((r) => r.id).sort(), [a.id, b.id].sort());
  });

  it('answers absent ids with NotFoundError and refuses ids that are not UUIDs', async () => {
    const { store } = await freshStore();
    await assert.rejects(store.get(newUploadId()), NotFoundError);
    for (const bad of ['../../etc/passwd', 'x', '', 'ABCDEF00-0000-0000-0000-000000000000']) {
      await assert.rejects(store.get(bad), ValidationError, bad);
      await assert.rejects(store.put(record({ id: bad })), ValidationError, bad);
    }
  });

  it('merges a peer copy only when it is newer', async () => {
    const { store } = await freshStore();
    const mine = record({ status: 'busy', updatedAt: '2026-11-24T00:00:05.000Z' });
    await store.put(mine);
    assert.equal(
      await store.merge({ ...mine, status: 'new', updatedAt: '2026-11-24T00:00:01.000Z' }),
      false,
    );
    assert.equal((await store.get(mine.id)).status, 'busy');
    assert.equal(
      await store.merge({ ...mine, status: 'done', updatedAt: '2026-11-24T00:00:09.000Z' }),
      true,
    );
    assert.equal((await store.get(mine.id)).status, 'done');
    const theirs = record();
    assert.equal(await store.merge(theirs), true);
    assert.deepEqual(await store.get(theirs.id), theirs);
  });

  it('keeps the newest copy when pushes of one record race', async () => {
    const { store } = await freshStore();
    const older = record({ status: 'new', updatedAt: '2026-11-24T00:00:01.000Z' });
    const newer = { ...older, status: 'done' as const, updatedAt: '2026-11-24T00:00:09.000Z' };
    // The newer push starts first; the older one, started while it is still writing, must lose.
    const results = await Promise.all([store.merge(newer), store.merge(older)]);
    assert.deepEqual(results, [true, false]);
    assert.equal((await store.get(older.id)).status, 'done');
  });

  it('clears half-written temporary files a crash left', async () => {
    const { dir } = await freshStore();
    await writeFile(join(dir, '.tmp', 'half'), '{"id":');
    const store = await UploadStore.open(dir);
    assert.deepEqual(await readdir(join(dir, '.tmp')), []);
    const listed: UploadRecord[] = [];
    for await (const r of store.list()) listed.push(r);
    assert.deepEqual(listed, []);
  });
});
