import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
    const { id, ...listen } = next.listens[0]!;
    assert.deepEqual(listen, { cid: CID, trackId: 4, userId: 9, at: 2000 });
    assert.match(id, /^0x[0-9a-f]{32}$/, 'a 16-byte play id');
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
    const { id: _id, ...line } = JSON.parse(await readFile(path, 'utf8')) as { id: string };
    assert.deepEqual(line, { cid: CID, trackId: 7, at: 7 });
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

  it('gives lines written before play ids an id once, and keeps them across reopens', async () => {
    const path = await freshPath();
    await writeFile(
      path,
      `${JSON.stringify({ cid: CID, trackId: 1, at: 1 })}\n${JSON.stringify({ cid: CID, trackId: 2, userId: 5, at: 2 })}\n`,
    );
    const journal = await ListenJournal.open(path);
    await journal.record({ cid: CID, trackId: 3, at: 3 });
    const { listens } = await journal.read();
    await journal.close();
    assert.deepEqual(
      listens.map((l) => [l.trackId, l.userId]),
      [
        [1, undefined],
        [2, 5],
        [3, undefined],
      ],
    );
    assert.equal(new Set(listens.map((l) => l.id)).size, 3);
    for (const l of listens) assert.match(l.id, /^0x[0-9a-f]{32}$/);
    const reopened = await ListenJournal.open(path);
    assert.deepEqual((await reopened.read()).listens, listens, 'the same ids on every read');
    await reopened.close();
  });

  it('reads in pieces, and keeps offsets across a compaction and a restart', async () => {
    const path = await freshPath();
    const journal = await ListenJournal.open(path);
    for (let trackId = 1; trackId <= 5; trackId += 1)
      void journal.record({ cid: CID, trackId, at: trackId });
    const two = await journal.read(0, 2);
    assert.deepEqual(
      two.listens.map((l) => l.trackId),
      [1, 2],
    );
    const end = await journal.end();
    await journal.compact(two.next);
    // Listens recorded while and after it compacts are kept, in order.
    await Promise.all([6, 7].map((trackId) => journal.record({ cid: CID, trackId, at: trackId })));
    const rest = await journal.read(two.next);
    assert.deepEqual(
      rest.listens.map((l) => l.trackId),
      [3, 4, 5, 6, 7],
    );
    assert.ok((await journal.end()) > end);
    assert.equal(journal.bytesBefore(two.next), 0);
    await journal.close();
    assert.ok(
      !(await readFile(path, 'utf8')).includes('"trackId":1,'),
      'the first listens are gone',
    );
    const reopened = await ListenJournal.open(path);
    assert.deepEqual((await reopened.read(two.next)).listens, rest.listens);
    assert.deepEqual(
      (await reopened.read(rest.next - 1 - JSON.stringify(rest.listens[4]).length)).listens,
      [rest.listens[4]],
    );
    await reopened.close();
  });
});
