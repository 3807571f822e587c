import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ListenJournal } from './listenJournal.js';

const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function freshPath() {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-listens-'));
  dirs.push(dir);
  return join(dir, 'listens.jsonl');
}

describe('ListenJournal', () => {
  it('appends listens in order and reads them from an offset', async () => {
    const path = await freshPath();
    const journal = await ListenJournal.open(path);
    await Promise.all(
      [1, 2, 3].map((trackId) => journal.record({ cid: CID, trackId, at: 1000 + trackId })),
    );
    const first = await journal.read();
    assert.deepEqual(
      first.listens.map((l) => l.trackId),
      [1, 2, 3],
    );
    await journal.record({ cid: CID, trackId: 4, userId: 9, at: 2000 });
    const next = await journal.read(first.next);
    assert.deepEqual(next.listens, [{ cid: CID, trackId: 4, userId: 9, at: 2000 }]);
    assert.deepEqual((await journal.read(next.next)).listens, []);
    await journal.close();
  });

  it('keeps call order when many listens arrive while a batch is being written', async () => {
    const path = await freshPath();
    const journal = await ListenJournal.open(path);
    const ids = Array.from({ length: 200 }, (_, i) => i + 1);
    const first = journal.record({ cid: CID, trackId: 0, at: 0 });
    await Promise.all([
      first,
      ...ids.map((trackId) => journal.record({ cid: CID, trackId, at: trackId })),
    ]);
    assert.deepEqual(
      (await journal.read()).listens.map((l) => l.trackId),
      [0, ...ids],
    );
    await journal.close();
  });

  it('holds listens for its window, and writes them at once when flushed', async () => {
    const path = await freshPath();
    const journal = await ListenJournal.open(path, { flushDelayMs: 60_000 });
    let written = false;
    const pending = journal.record({ cid: CID, trackId: 7, at: 7 }).then(() => (written = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(written, false, 'waits for the window');
    assert.equal((await readFile(path, 'utf8')).length, 0);
    await journal.flush();
    await pending;
    assert.equal(written, true);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { cid: CID, trackId: 7, at: 7 });
    await journal.close();
  });

  it('survives a restart, dropping only a line a crash cut short', async () => {
    const path = await freshPath();
    const journal = await ListenJournal.open(path);
    await journal.record({ cid: CID, trackId: 1, at: 1 });
    await journal.close();
    await appendFile(path, '{"cid":"bafk');
    const reopened = await ListenJournal.open(path);
    await reopened.record({ cid: CID, trackId: 2, at: 2 });
    assert.deepEqual(
      (await reopened.read()).listens.map((l) => l.trackId),
      [1, 2],
    );
    await reopened.close();
  });
});
